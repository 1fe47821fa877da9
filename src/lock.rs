//! One run at a time: overlapping cron runs would share browser profiles and
//! interleave their history. The second run waits briefly, then gives up
//! with exit 3. The lock is an advisory `flock` the kernel drops when the
//! holder exits, even when it is killed, so it can never go stale.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use nix::fcntl::{Flock, FlockArg};

use crate::failure::Failure;

pub struct RunLock {
    _lock: Flock<File>,
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
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(mut lock) => {
                // Who holds it, for the message the next run prints.
                let _ = lock.set_len(0);
                let _ = lock.rewind();
                let _ = write!(lock, "{}", std::process::id());
                let _ = lock.flush();
                return Ok(RunLock { _lock: lock });
            }
            Err((mut file, nix::errno::Errno::EWOULDBLOCK)) => {
                if Instant::now() >= deadline {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        "another privaudit run".to_string()
                    } else {
                        format!("another privaudit run (pid {holder})")
                    };
                    return Err(Failure::incomplete(format!(
                        "{who} is still in progress; waited {} s",
                        wait.as_secs()
                    ))
                    .hint("schedule runs further apart, or raise --lock-wait")
                    .into());
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            Err((_, errno)) => {
                return Err(anyhow::anyhow!("cannot lock {}: {errno}", path.display()));
            }
        }
    }
}
