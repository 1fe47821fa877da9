//! Platform rules: where each privacy switch lives and which value protects the
//! user. Files are parsed strictly (`model`), checked (`lint`), then turned into
//! the validated types of `catalogue`, which the rest of privaudit uses.

pub mod catalogue;
pub mod documented;
pub mod domains;
pub mod embedded;
pub mod facts;
pub mod lint;
pub mod listing;
pub mod load;
pub mod locator;
pub mod model;
pub mod regions;
pub mod roles;
pub mod secret_fields;

pub use catalogue::{
    same_value, Action, Aim, Catalogue, LoginForm, LoginProbe, PlatformRules, RuleOrigin, SettingKind, SettingRule,
};
pub use domains::host_allowed;
pub use facts::{Account, Grade, Source};
pub use load::{load_catalogue, LoadError};
pub use locator::Matcher;
pub use model::{Category, Default as DocumentedDefault, Locator, SourceKind};
