//! A run (check, apply) in every format.

use crate::audit::Run;
use crate::output::Render;

impl Render for Run {
    fn table(&self, color: bool) -> String {
        super::table::render(self, color)
    }

    fn markdown(&self) -> String {
        super::markdown::render(self)
    }

    fn csv(&self) -> anyhow::Result<String> {
        super::csv::render(self)
    }
}
