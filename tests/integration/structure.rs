//! The shape of the code: modules form layers (no import cycle), commands
//! never import one another, and big files say why they are big. Read from
//! the `crate::`, `super::` and `self::` paths of `src/` (test code aside),
//! following `pub use` re-exports to the module that defines an item.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::repo;

/// Every module of the library: its path (`audit::run`) → its source.
fn modules() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    collect(&repo().join("src"), "", &mut out);
    out.remove("main");
    out
}

fn collect(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("src").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        let join = |n: &str| {
            if prefix.is_empty() {
                n.to_string()
            } else {
                format!("{prefix}::{n}")
            }
        };
        if path.is_dir() {
            collect(&path, &join(&name), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = match name.as_str() {
                "mod" => prefix.to_string(),
                "lib" if prefix.is_empty() => String::new(),
                _ => join(&name),
            };
            let text = std::fs::read_to_string(&path).expect("source");
            // Test code may import what it likes.
            let text = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            out.insert(module, text);
        }
    }
}

/// `use a::{b, c::{d, e as f}}` → `a::b`, `a::c::d`, `a::c::e` (aliases dropped).
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    expand_under("", &tree)
}

fn expand_under(prefix: &str, tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let leaf = tree.split(" as ").next().unwrap_or(tree).trim();
        return vec![format!("{prefix}{leaf}").trim_end_matches("::*").to_string()];
    };
    let head = format!("{prefix}{}", tree[..open].trim());
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            if p == "self" {
                vec![head.trim_end_matches("::").to_string()]
            } else {
                expand_under(&head, p)
            }
        })
        .collect()
}

/// The `use` trees and the inline paths of a module's source.
fn paths(text: &str) -> (Vec<String>, Vec<String>) {
    let use_re = regex::Regex::new(r"(?m)^\s*(pub(\([a-z]+\))?\s+)?use\s+([^;]+);").expect("valid regex");
    let mut uses = Vec::new();
    for cap in use_re.captures_iter(text) {
        let public = cap.get(1).is_some();
        for p in expand(&cap[3]) {
            uses.push(if public { format!("pub {p}") } else { p });
        }
    }
    let stripped = use_re.replace_all(text, "");
    let inline_re = regex::Regex::new(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)").expect("valid regex");
    let inline = inline_re.captures_iter(&stripped).map(|c| c[1].to_string()).collect();
    (uses, inline)
}

/// A path as written in `module`, made absolute (segments from the crate root).
fn absolute(module: &str, path: &str, children: &BTreeSet<String>) -> Option<Vec<String>> {
    let mut here: Vec<String> = module.split("::").filter(|s| !s.is_empty()).map(String::from).collect();
    let mut segments = path.split("::").peekable();
    match segments.peek().copied() {
        Some("crate") => {
            segments.next();
            here.clear();
        }
        Some("self") => {
            segments.next();
        }
        Some("super") => {
            while segments.peek() == Some(&"super") {
                segments.next();
                here.pop()?;
            }
        }
        // `use child::X` names a child module declared with `mod child;`.
        Some(first) if children.contains(&join(&here, first)) => {}
        _ => return None,
    }
    here.extend(segments.map(String::from));
    Some(here)
}

fn join(base: &[String], name: &str) -> String {
    let mut v = base.to_vec();
    v.push(name.to_string());
    v.join("::")
}

/// The module that defines what `path` names, following re-exports.
fn resolve(
    path: &[String],
    modules: &BTreeMap<String, String>,
    reexports: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    depth: usize,
) -> Option<String> {
    let (len, module) = (0..=path.len())
        .rev()
        .map(|n| (n, path[..n].join("::")))
        .find(|(_, m)| modules.contains_key(m))?;
    if let (Some(next), true) = (path.get(len), depth < 8) {
        if let Some(target) = reexports.get(&module).and_then(|r| r.get(next)) {
            let mut full = target.clone();
            full.extend(path[len + 1..].iter().cloned());
            return resolve(&full, modules, reexports, depth + 1).or(Some(module));
        }
    }
    Some(module)
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    // `pub use child::Item` in a module: Item → where it really lives.
    let mut reexports: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (module, text) in &modules {
        let (uses, _) = paths(text);
        for u in uses.iter().filter_map(|u| u.strip_prefix("pub ")) {
            if let Some(abs) = absolute(module, u, &names) {
                if let Some(item) = abs.last() {
                    reexports
                        .entry(module.clone())
                        .or_default()
                        .insert(item.clone(), abs.clone());
                }
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &modules {
        let (uses, inline) = paths(text);
        for p in uses
            .iter()
            .map(|u| u.trim_start_matches("pub ").to_string())
            .chain(inline)
        {
            let Some(abs) = absolute(module, &p, &names) else {
                continue;
            };
            if let Some(target) = resolve(&abs, &modules, &reexports, 0) {
                if &target != module && !target.is_empty() {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    edges
}

/// Tarjan's strongly connected components with more than one module.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        if let Some(next) = t.edges.get(v) {
            for w in next {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut component = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                t.out.push(component);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
        ("d".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(cycles(&edges), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    assert_eq!(
        expand("crate::a::{b, c::{d, e as f}, self}"),
        ["crate::a::b", "crate::a::c::d", "crate::a::c::e", "crate::a"]
    );
}

#[test]
fn the_graph_sees_the_real_imports() {
    let edges = graph();
    // Known, one-way facts of the architecture: if these are not seen, the
    // reader of imports is broken and the cycle test below proves nothing.
    assert!(
        edges["audit::groups"].contains("browser::launch"),
        "{:?}",
        edges["audit::groups"]
    );
    assert!(
        edges["commands::audit"].contains("audit::options"),
        "{:?}",
        edges["commands::audit"]
    );
    assert!(
        edges["rules::load"].contains("rules::catalogue"),
        "{:?}",
        edges["rules::load"]
    );
}

#[test]
fn no_module_imports_itself_back() {
    let edges = graph();
    let found = cycles(&edges);
    let explain: Vec<String> = found
        .iter()
        .map(|c| {
            let ties: Vec<String> = c
                .iter()
                .flat_map(|m| {
                    edges[m]
                        .iter()
                        .filter(|t| c.contains(t))
                        .map(move |t| format!("{m} → {t}"))
                })
                .collect();
            format!("{} ({})", c.join(", "), ties.join("; "))
        })
        .collect();
    assert!(found.is_empty(), "import cycles: {explain:#?}");
}

#[test]
fn no_command_imports_another() {
    let edges = graph();
    for (module, targets) in &edges {
        let Some(command) = module.strip_prefix("commands::") else {
            continue;
        };
        for t in targets {
            if let Some(other) = t.strip_prefix("commands::") {
                assert_eq!(
                    other.split("::").next(),
                    Some(command.split("::").next().unwrap_or("")),
                    "commands::{command} imports commands::{other}"
                );
            }
        }
    }
}

/// A file over ~400 lines must say in its first lines why it is long.
#[test]
fn long_files_explain_themselves() {
    let mut long = Vec::new();
    for (module, text) in modules() {
        let path = if module.is_empty() { "lib".to_string() } else { module };
        let full = std::fs::read_to_string(find_file(&path)).unwrap_or_default();
        let code = full.split("#[cfg(test)]").next().unwrap_or("").lines().count();
        let header: String = full.lines().take(20).collect::<Vec<_>>().join("\n");
        if code > 420 && !header.contains("Long because") {
            long.push(format!("{path} ({code} lines)"));
        }
        let _ = text;
    }
    assert!(
        long.is_empty(),
        "files over 420 lines without a reason in their header: {long:?}"
    );
}

fn find_file(module: &str) -> std::path::PathBuf {
    let base = repo().join("src").join(module.replace("::", "/"));
    let file = base.with_extension("rs");
    if file.exists() {
        file
    } else if module == "lib" {
        repo().join("src/lib.rs")
    } else {
        base.join("mod.rs")
    }
}
