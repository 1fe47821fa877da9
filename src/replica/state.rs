//! What a replica server remembers while it runs: each setting's value (so
//! a change survives a reload, as on the real site), which platforms are
//! signed out, and every path requested.

use std::collections::{BTreeMap, BTreeSet};

use super::source::Source;

#[derive(Debug, Default)]
pub struct ReplicaState {
    pub signed_out: BTreeMap<String, bool>,
    /// Every path requested, in order, so tests can see what a browser fetched.
    pub requests: Vec<String>,
    /// Platforms whose initial values were loaded from their manifest.
    loaded: BTreeSet<String>,
    pub values: BTreeMap<(String, String), String>,
}

impl ReplicaState {
    /// Loads a platform's initial values from its manifest, once.
    pub fn ensure_loaded(&mut self, platform: &str, source: &Source) {
        if self.loaded.insert(platform.to_string()) {
            for (key, value) in source.manifest(platform).state {
                self.values.entry((platform.to_string(), key)).or_insert(value);
            }
        }
    }

    pub fn is_signed_out(&self, platform: &str) -> bool {
        self.signed_out.get(platform).copied().unwrap_or(false)
    }
}
