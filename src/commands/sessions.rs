//! `privaudit sessions`: each saved session's age and when it last read a
//! setting signed in.

use crate::cli::{Context, ListFormat};
use crate::doctor::sessions::{self, Sessions};
use crate::exit::Exit;
use crate::output::{table, TableStyle};

pub fn run(ctx: &Context, format: ListFormat) -> anyhow::Result<Exit> {
    let rows = sessions::list(&ctx.sessions_dir(), &ctx.history_path());
    match format {
        ListFormat::Json => {
            let out = Sessions {
                schema_version: 1,
                sessions: rows,
            };
            ctx.console.print(&(serde_json::to_string_pretty(&out)? + "\n"));
        }
        ListFormat::Table if rows.is_empty() => {
            ctx.console.print(&format!(
                "No saved session in {}. Sign in with `privaudit login PLATFORM`.\n",
                ctx.sessions_dir().display()
            ));
        }
        ListFormat::Table => {
            let mut t = table(
                [
                    "Platform",
                    "Saved (UTC)",
                    "Age",
                    "Last read signed in (UTC)",
                    "Portable (pool)",
                ],
                TableStyle::Natural,
            );
            for r in rows {
                t.add_row(vec![
                    r.platform,
                    r.since.unwrap_or_else(|| "?".into()),
                    r.age_days.map(|d| format!("{d} d")).unwrap_or_else(|| "?".into()),
                    r.last_verified_read.unwrap_or_else(|| "never".into()),
                    r.portable_state,
                ]);
            }
            ctx.console.print(&format!("{t}\n"));
        }
    }
    Ok(Exit::Ok)
}
