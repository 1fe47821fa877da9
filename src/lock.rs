//! One run at a time: overlapping cron runs would share browser profiles and
//! interleave their history. The second run waits briefly, then gives up
//! with exit 3. The lock is an advisory file lock (`flock` on Unix, through
//! `std::fs::File::try_lock`, stable since Rust 1.89 — so neither `fs4` nor
//! `fd-lock` is needed) that the kernel drops when the holder exits, even
//! when it is killed, so it can never go stale.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::failure::Failure;

/// Held for the whole run; dropping it (or exiting) releases the lock.
pub struct RunLock {
    _file: File,
}

pub fn acquire(data_dir: &Path, wait: Duration) -> anyhow::Result<RunLock> {
    crate::fsutil::create_private_dir(data_dir)?;
    let path = data_dir.join("privaudit.lock");
    let deadline = Instant::now() + wait;
    loop {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {
                // Who holds it, for the message the next run prints.
                let mut lock = file;
                let _ = lock.set_len(0);
                let _ = lock.rewind();
                let _ = write!(lock, "{}", std::process::id());
                let _ = lock.flush();
                return Ok(RunLock { _file: lock });
            }
            Err(TryLockError::WouldBlock) => {
                let mut file = file;
                if Instant::now() >= deadline {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    // The file names the last run that took the lock; a
                    // process that took it some other way leaves that stale.
                    return Err(match holder.trim().parse::<u32>() {
                        Ok(pid) if crate::procfs::is_privaudit(pid) => Failure::incomplete(format!(
                            "another privaudit run (pid {pid}) is still in progress; waited {} s",
                            wait.as_secs()
                        ))
                        .hint("schedule runs further apart, or raise --lock-wait"),
                        _ => Failure::incomplete(format!(
                            "another process holds the lock on {} (not a privaudit run this machine knows of); waited {} s",
                            path.display(),
                            wait.as_secs()
                        ))
                        .hint(format!("`fuser -v {}` names it; end it, then run again", path.display())),
                    }
                    .into());
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(TryLockError::Error(e)) => {
                return Err(anyhow::anyhow!("cannot lock {}: {e}", path.display()));
            }
        }
    }
}
