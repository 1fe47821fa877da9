//! What Linux's `/proc` says about another process: used to tell a run of
//! privaudit from whatever now holds a recorded process id.

/// The command line of `pid`, arguments joined by spaces; None when there
/// is no such process (or no `/proc`).
pub fn cmdline(pid: u32) -> Option<String> {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
}

/// Is `pid` a running privaudit (its program's name says so)?
pub fn is_privaudit(pid: u32) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| {
            let program = c.split(|b| *b == 0).next().unwrap_or_default();
            String::from_utf8_lossy(program).contains("privaudit")
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_found_and_a_dead_one_is_not() {
        assert!(cmdline(std::process::id()).is_some());
        // The unit test binary is named after the crate.
        assert!(is_privaudit(std::process::id()));
        assert!(cmdline(u32::MAX - 1).is_none());
    }
}
