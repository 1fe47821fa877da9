//! Why a page gave nothing to read: the status, class and message every
//! setting on it gets, and whether the rest of the platform is lost too.

use super::finding::{FailureClass, Status};
use crate::browser::cdp::CdpError;

/// Why a page gave nothing to read.
#[derive(Debug, Clone)]
pub struct Stop {
    pub status: Status,
    pub class: FailureClass,
    pub message: String,
    /// Nothing more can be read on this platform (signed out, left its
    /// domains, browser gone), as opposed to this page only.
    pub whole_platform: bool,
}

impl Stop {
    pub fn new(status: Status, class: FailureClass, message: impl Into<String>, whole_platform: bool) -> Stop {
        Stop {
            status,
            class,
            message: message.into(),
            whole_platform,
        }
    }

    /// A CDP call that failed while reading or acting on a page. A crashed
    /// renderer loses this page only: the next page's navigation starts a
    /// new one.
    pub fn cdp(e: CdpError) -> Stop {
        match e {
            CdpError::Crashed => Stop::crashed(e),
            // The page, not privaudit: its renderer is stuck, and the rest of
            // the platform would only wait as long again.
            CdpError::Stalled { .. } => Stop::new(
                Status::Error,
                FailureClass::Unreachable,
                format!("{e}; try again later, or open the page in a browser to see what it does"),
                true,
            ),
            other => Stop::driver(other),
        }
    }

    /// The tab's renderer died under this page (while it loaded or was
    /// read): only the page is lost, since the next navigation revives the tab.
    pub fn crashed(e: impl std::fmt::Display) -> Stop {
        Stop::new(
            Status::Error,
            FailureClass::Driver,
            format!("{e}; run the check again"),
            false,
        )
    }

    pub fn driver(e: impl std::fmt::Display) -> Stop {
        Stop::new(
            Status::Error,
            FailureClass::Driver,
            format!("the browser stopped answering ({e}); run the check again"),
            true,
        )
    }
}
