// The rule catalogue and the replica sites are embedded with include_dir!,
// which cargo cannot see; rebuild when either changes.
fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=tests/replicas");
}
