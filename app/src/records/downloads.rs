//! The import's template, in the reader's language (a plain GET: a browser download needs a
//! URL). Any signed-in person may have it: it holds headers only.

use crate::auth::ssr::Caller;
use crate::edge::{Download, Lang, Routes};

pub fn routes() -> Routes {
    Routes::new().get("/export/students-template.xlsx", students_template)
}

async fn students_template(_: Caller, Lang(locale): Lang) -> Download {
    Download::file("students-template.xlsx", super::file::template_xlsx(locale))
}
