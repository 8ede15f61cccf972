//! Documents and spreadsheets, for every domain: the PDF engine (`pdf`: tables, and the
//! documents drawn with it), the XLSX and CSV writers (`xlsx`, `csv`) and the one reader of uploaded
//! spreadsheets (`sheet`). Plain data in, bytes out (or rows out): the domains load, check and
//! word what goes in. Server only.

pub mod csv;
pub mod pdf;
pub mod sheet;
pub mod xlsx;
