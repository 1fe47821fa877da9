//! The rule files that ship inside the binary, so `privaudit` works with no
//! files on disk. Users add or override platforms from their config dir or
//! with `--rules DIR`.

use include_dir::{include_dir, Dir};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// `(file name, text)` of every embedded `*.toml`, sorted by name.
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    let mut files: Vec<_> = EMBEDDED
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| Some((f.path().to_str()?, f.contents_utf8()?)))
        .collect();
    files.sort();
    files
}
