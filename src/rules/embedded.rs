//! What ships inside the binary, so `privaudit` works with no files on disk:
//! the rule files (`rules/*.toml`) and, beside them, each platform's replica
//! (`rules/replicas/<platform>/`: the pages `privaudit demo` and `rules test`
//! serve). Users add or override platforms from their config dir or with
//! `--rules DIR`.

use include_dir::{include_dir, Dir};

static RULES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// `(file name, text)` of every embedded `*.toml` rule, sorted by name.
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    let mut files: Vec<_> = RULES
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| Some((f.path().to_str()?, f.contents_utf8()?)))
        .collect();
    files.sort();
    files
}

/// The built-in replicas, one folder per platform.
pub fn replicas() -> Option<&'static Dir<'static>> {
    RULES.get_dir("replicas")
}
