//! The policy pages `policy check` stores in the history: each version
//! whose text changed, with the validators for the next conditional fetch.

use rusqlite::{params, OptionalExtension};

use super::records::{PolicyPageRow, PolicyVersion};
use super::store::Store;

impl Store {
    /// Every watched page with how many versions are stored.
    pub fn policy_pages(&self) -> anyhow::Result<Vec<PolicyPageRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT platform, url, COUNT(*), MIN(fetched_at), MAX(fetched_at) FROM policy_versions
             GROUP BY platform, url ORDER BY platform, url",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(PolicyPageRow {
                platform: r.get(0)?,
                url: r.get(1)?,
                versions: r.get::<_, i64>(2)? as usize,
                first_stored: crate::timestamp::normalise(&r.get::<_, String>(3)?),
                last_changed: crate::timestamp::normalise(&r.get::<_, String>(4)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every stored version of `url`, oldest first.
    pub fn policy_versions(&self, url: &str) -> anyhow::Result<Vec<PolicyVersion>> {
        let mut stmt = self.conn.prepare(
            "SELECT fetched_at, etag, last_modified, sha256, text FROM policy_versions WHERE url = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![url], |r| {
            Ok(PolicyVersion {
                fetched_at: crate::timestamp::normalise(&r.get::<_, String>(0)?),
                etag: r.get(1)?,
                last_modified: r.get(2)?,
                sha256: r.get(3)?,
                text: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_policy(&self, platform: &str, url: &str, version: &PolicyVersion) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO policy_versions (platform, url, fetched_at, etag, last_modified, sha256, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                platform,
                url,
                version.fetched_at,
                version.etag,
                version.last_modified,
                version.sha256,
                version.text
            ],
        )?;
        Ok(())
    }

    pub fn latest_policy(&self, url: &str) -> anyhow::Result<Option<PolicyVersion>> {
        Ok(self
            .conn
            .query_row(
                "SELECT fetched_at, etag, last_modified, sha256, text FROM policy_versions WHERE url = ?1 ORDER BY id DESC LIMIT 1",
                params![url],
                |r| {
                    Ok(PolicyVersion {
                        fetched_at: r.get(0)?,
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                        sha256: r.get(3)?,
                        text: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }
}
