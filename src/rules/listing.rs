//! The catalogue as `rules list --format json` prints it.

use serde::Serialize;

use super::model::Category;

/// `rules list --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Listing {
    pub rules_version: String,
    pub platforms: Vec<ListedPlatform>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ListedPlatform {
    pub id: String,
    pub name: String,
    pub settings: usize,
    pub categories: Vec<Category>,
    pub verified: String,
    pub origin: String,
    pub file: String,
}
