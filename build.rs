//! Rebuild when the embedded rules or replicas change (include_dir does not
//! tell cargo on its own), and record the git commit the binary is built
//! from for `privaudit --version` ("unknown" outside a git checkout).

// Build scripts talk to cargo through stdout.
#![allow(clippy::disallowed_macros)]

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    // Only existing paths: cargo reruns every build for a missing one.
    for watched in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if Path::new(watched).exists() {
            println!("cargo:rerun-if-changed={watched}");
        }
    }
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=PRIVAUDIT_GIT_COMMIT={commit}");
}
