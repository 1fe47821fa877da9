//! Rebuild when the embedded rules or replicas change (include_dir does not
//! tell cargo on its own).

// Build scripts talk to cargo through stdout.
#![allow(clippy::disallowed_macros)]

fn main() {
    println!("cargo:rerun-if-changed=rules");
}
