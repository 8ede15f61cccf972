//! The database as plain tables, on either backend: what backups, restores and exports read and
//! write without knowing the domain. The schema is read from the database itself (SQLite's
//! `pragma_*` functions, PostgreSQL's catalogs), so a table a later migration adds is backed up
//! and exported without anyone remembering to list it here.
//!
//! Every column is one of the three types the app stores (see `app::db`): integer, double or
//! text, each possibly null. A row travels as a JSON array in the table's column order; a
//! column of any other type is refused by name rather than copied wrong.

use app::db::batch::{statement, values_list};
use app::db::{Backend, Db};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    Double,
    Text,
}

impl Kind {
    /// The kind of a declared column type, by SQLite's affinity rules (which PostgreSQL's type
    /// names also fall under): None for anything the app does not store.
    fn of(declared: &str) -> Option<Kind> {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Some(Kind::Integer)
        } else if t.contains("CHAR") || t.contains("TEXT") || t.contains("CLOB") {
            Some(Kind::Text)
        } else if t.contains("DOUB") || t.contains("REAL") || t.contains("FLOA") {
            Some(Kind::Double)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    /// The type as the migration declared it (for the export's README).
    pub declared: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Primary key columns (rows are read in this order, so two dumps of equal data are equal).
    pub key: Vec<String>,
    /// (column, referenced table) for each foreign key.
    pub references: Vec<(String, String)>,
}

/// What went wrong, for the operator.
pub type Error = String;

fn db_err(what: &str) -> impl Fn(sqlx::Error) -> Error + '_ {
    move |e| format!("{what}: {e}")
}

/// A name quoted for SQL (table and column names come from the catalog, never from a person).
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The tables of the database (sqlx's own migration table left out), parents before the tables
/// that refer to them.
pub async fn schema(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<Table>, Error> {
    let mut tables = match backend {
        Backend::Sqlite => sqlite_schema(conn).await?,
        Backend::Postgres => postgres_schema(conn).await?,
    };
    for t in &tables {
        if t.columns.is_empty() {
            return Err(format!("table {} has no columns that can be read", t.name));
        }
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(in_dependency_order(tables))
}

async fn sqlite_schema(conn: &mut AnyConnection) -> Result<Vec<Table>, Error> {
    let names: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err("reading the tables"))?
    .iter()
    .map(|r| r.try_get("name"))
    .collect::<Result<_, _>>()
    .map_err(db_err("reading the tables"))?;
    let mut tables = Vec::new();
    for name in names {
        let cols = sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err("reading the columns"))?;
        let mut columns = Vec::new();
        let mut key = Vec::new();
        for c in cols {
            let col: String = c.try_get("name").map_err(db_err("reading the columns"))?;
            let declared: String = c.try_get("type").map_err(db_err("reading the columns"))?;
            let pk: i64 = c.try_get("pk").map_err(db_err("reading the columns"))?;
            let kind =
                Kind::of(&declared).ok_or_else(|| format!("column {name}.{col} has the type {declared:?}, which Talap does not store"))?;
            if pk > 0 {
                key.push((pk, col.clone()));
            }
            columns.push(Column { name: col, kind, declared });
        }
        key.sort();
        let references = sqlx::query("SELECT \"from\" AS col, \"table\" AS ref FROM pragma_foreign_key_list($1) ORDER BY id, seq")
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err("reading the foreign keys"))?
            .iter()
            .map(|r| Ok((r.try_get("col")?, r.try_get("ref")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err("reading the foreign keys"))?;
        tables.push(Table { name, columns, key: key.into_iter().map(|(_, c)| c).collect(), references });
    }
    Ok(tables)
}

async fn postgres_schema(conn: &mut AnyConnection) -> Result<Vec<Table>, Error> {
    // Catalog columns have types of their own (name, sql_identifier): cast to text for `Any`.
    let cols = sqlx::query(
        "SELECT c.table_name::text AS t, c.column_name::text AS c, c.data_type::text AS ty
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '_sqlx_migrations'
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err("reading the columns"))?;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for r in cols {
        let (t, c, ty): (String, String, String) = (
            r.try_get("t").map_err(db_err("reading the columns"))?,
            r.try_get("c").map_err(db_err("reading the columns"))?,
            r.try_get("ty").map_err(db_err("reading the columns"))?,
        );
        // "double precision" holds "PREC", not "INT": the affinity rule reads it right.
        let kind = Kind::of(&ty).ok_or_else(|| format!("column {t}.{c} has the type {ty:?}, which Talap does not store"))?;
        tables
            .entry(t.clone())
            .or_insert_with(|| Table { name: t, columns: vec![], key: vec![], references: vec![] })
            .columns
            .push(Column { name: c, kind, declared: ty });
    }
    let keys = sqlx::query(
        "SELECT cl.relname::text AS t, a.attname::text AS c
         FROM pg_constraint k
         JOIN pg_class cl ON cl.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
         JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, pos) ON true
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
         WHERE k.contype = 'p' AND n.nspname = current_schema()
         ORDER BY cl.relname, u.pos",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err("reading the primary keys"))?;
    for r in keys {
        let t: String = r.try_get("t").map_err(db_err("reading the primary keys"))?;
        if let Some(table) = tables.get_mut(&t) {
            table.key.push(r.try_get("c").map_err(db_err("reading the primary keys"))?);
        }
    }
    let refs = sqlx::query(
        "SELECT cl.relname::text AS t, a.attname::text AS c, rc.relname::text AS ref
         FROM pg_constraint k
         JOIN pg_class cl ON cl.oid = k.conrelid
         JOIN pg_class rc ON rc.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
         WHERE k.contype = 'f' AND n.nspname = current_schema()
         ORDER BY cl.relname, k.conname",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err("reading the foreign keys"))?;
    for r in refs {
        let t: String = r.try_get("t").map_err(db_err("reading the foreign keys"))?;
        if let Some(table) = tables.get_mut(&t) {
            table.references.push((
                r.try_get("c").map_err(db_err("reading the foreign keys"))?,
                r.try_get("ref").map_err(db_err("reading the foreign keys"))?,
            ));
        }
    }
    Ok(tables.into_values().collect())
}

/// Parents first (Kahn's order, by name among equals, so the order is the same every time); a
/// table's references to itself are left to row order (rows are written in key order, and a
/// parent row has the smaller id). A cycle between tables, which the schema does not have,
/// would leave its tables last.
fn in_dependency_order(tables: Vec<Table>) -> Vec<Table> {
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    let mut left = tables;
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready = left.iter().position(|t| t.references.iter().all(|(_, r)| *r == t.name || placed.contains(r) || !names.contains(r)));
        let i = ready.unwrap_or(0);
        let t = left.remove(i);
        placed.insert(t.name.clone());
        out.push(t);
    }
    out
}

/// A read-only transaction over one snapshot of the whole database, which the server goes on
/// writing meanwhile: SQLite's WAL keeps a read transaction's view from its first read,
/// PostgreSQL needs REPEATABLE READ for its statements to share one view.
pub async fn snapshot(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Any>, Error> {
    let begin = match db.backend {
        Backend::Sqlite => "BEGIN",
        Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    };
    db.pool.begin_with(begin).await.map_err(db_err("starting the snapshot"))
}

/// Reads every row of `table` in key order, calling `each` with the row's values in column order.
pub async fn read_rows(conn: &mut AnyConnection, table: &Table, each: impl FnMut(Vec<Value>) -> Result<(), Error>) -> Result<u64, Error> {
    read_rows_where(conn, table, None, each).await
}

/// Rows of one person or one organisation: a condition on the table in which `$1` is `param`
/// (the person's or the organisation's id) and `$2`, where it appears, the same id as text (for
/// columns that name any kind of object).
pub struct RowFilter<'a> {
    pub condition: &'a str,
    pub param: i64,
}

/// `read_rows`, limited to the rows `filter` selects when there is one.
pub async fn read_rows_where(
    conn: &mut AnyConnection,
    table: &Table,
    filter: Option<RowFilter<'_>>,
    mut each: impl FnMut(Vec<Value>) -> Result<(), Error>,
) -> Result<u64, Error> {
    let cols: Vec<String> = table.columns.iter().map(|c| quoted(&c.name)).collect();
    let order = if table.key.is_empty() { cols.clone() } else { table.key.iter().map(|k| quoted(k)).collect() };
    let condition = filter.as_ref().map_or_else(String::new, |f| format!(" WHERE {}", f.condition));
    let sql = format!("SELECT {} FROM {}{condition} ORDER BY {}", cols.join(", "), quoted(&table.name), order.join(", "));
    let what = format!("reading {}", table.name);
    let mut query = sqlx::query(&sql);
    if let Some(f) = &filter {
        query = query.bind(f.param);
        if f.condition.contains("$2") {
            query = query.bind(f.param.to_string());
        }
    }
    let mut rows = query.fetch(&mut *conn);
    let mut n = 0;
    while let Some(row) = rows.try_next().await.map_err(db_err(&what))? {
        let mut values = Vec::with_capacity(table.columns.len());
        for (i, c) in table.columns.iter().enumerate() {
            let v = match c.kind {
                Kind::Integer => row.try_get::<Option<i64>, _>(i).map(|v| v.map_or(Value::Null, Value::from)),
                Kind::Double => row.try_get::<Option<f64>, _>(i).map(|v| v.map_or(Value::Null, Value::from)),
                Kind::Text => row.try_get::<Option<String>, _>(i).map(|v| v.map_or(Value::Null, Value::from)),
            }
            .map_err(|e| format!("{what}, column {}: {e}", c.name))?;
            values.push(v);
        }
        each(values)?;
        n += 1;
    }
    Ok(n)
}

/// Parameters per insert statement: far below both backends' limits, and small enough that
/// building the statement stays cheap.
const PARAMS_PER_INSERT: usize = 900;

/// Inserts rows (each in `table`'s column order) in statements of many rows.
pub async fn insert_rows(conn: &mut AnyConnection, table: &Table, rows: &[Vec<Value>]) -> Result<(), Error> {
    let per_row = table.columns.len();
    let chunk = (PARAMS_PER_INSERT / per_row).max(1);
    let cols: Vec<String> = table.columns.iter().map(|c| quoted(&c.name)).collect();
    for part in rows.chunks(chunk) {
        let sql = format!("INSERT INTO {} ({}) VALUES {}", quoted(&table.name), cols.join(", "), values_list(part.len(), per_row));
        let sql = statement(&*conn, sql);
        let mut q = sqlx::query(&sql);
        for row in part {
            if row.len() != per_row {
                return Err(format!("a row of {} has {} values, the table {} columns", table.name, row.len(), per_row));
            }
            for (v, c) in row.iter().zip(&table.columns) {
                q = match (c.kind, v) {
                    (Kind::Integer, Value::Null) => q.bind(None::<i64>),
                    (Kind::Double, Value::Null) => q.bind(None::<f64>),
                    (Kind::Text, Value::Null) => q.bind(None::<String>),
                    (Kind::Integer, Value::Number(n)) if n.is_i64() => q.bind(n.as_i64()),
                    (Kind::Double, Value::Number(n)) => q.bind(n.as_f64()),
                    (Kind::Text, Value::String(s)) => q.bind(s.clone()),
                    _ => return Err(format!("{}.{}: the value {v} is not of the column's kind", table.name, c.name)),
                };
            }
        }
        q.execute(&mut *conn).await.map_err(db_err(&format!("writing {}", table.name)))?;
    }
    Ok(())
}

/// Rows per table, every table: what "the database is empty" and the checks after a restore read.
pub async fn row_counts(db: &Db) -> Result<BTreeMap<String, i64>, Error> {
    let mut conn = db.pool.acquire().await.map_err(db_err("connecting"))?;
    let tables = schema(&mut conn, db.backend).await?;
    let mut counts = BTreeMap::new();
    for t in tables {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", quoted(&t.name)))
            .fetch_one(&mut *conn)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err(&format!("counting {}", t.name)))?;
        counts.insert(t.name, n);
    }
    Ok(counts)
}

/// After rows were written with their ids, PostgreSQL's identity sequences must move past them
/// (or the next insert would take id 1 again). SQLite takes max(rowid) + 1 by itself.
pub async fn reset_identities(conn: &mut AnyConnection, backend: Backend, tables: &[Table]) -> Result<(), Error> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    for t in tables {
        for c in &t.columns {
            let seq: Option<String> = sqlx::query("SELECT pg_get_serial_sequence($1, $2)::text AS s")
                .bind(quoted(&t.name))
                .bind(&c.name)
                .fetch_one(&mut *conn)
                .await
                .and_then(|r| r.try_get("s"))
                .map_err(db_err("reading a sequence"))?;
            if let Some(seq) = seq {
                let sql = format!(
                    "SELECT setval($1::regclass, COALESCE((SELECT MAX({col}) FROM {t}), 0) + 1, false)::bigint AS v",
                    col = quoted(&c.name),
                    t = quoted(&t.name)
                );
                sqlx::query(&sql).bind(seq).fetch_one(&mut *conn).await.map_err(db_err("moving a sequence"))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, refs: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: vec![],
            key: vec![],
            references: refs.iter().map(|r| ("x".to_string(), r.to_string())).collect(),
        }
    }

    #[test]
    fn parents_come_before_the_tables_that_refer_to_them() {
        let order: Vec<String> = in_dependency_order(vec![
            table("answers", &["attempts", "questions"]),
            table("attempts", &["users", "exams"]),
            table("exams", &["users"]),
            table("organisations", &["organisations"]),
            table("questions", &["exams"]),
            table("users", &["organisations"]),
        ])
        .into_iter()
        .map(|t| t.name)
        .collect();
        let at = |n: &str| order.iter().position(|o| o == n).unwrap();
        assert!(at("organisations") < at("users"));
        assert!(at("users") < at("exams") && at("exams") < at("attempts") && at("exams") < at("questions"));
        assert!(at("attempts") < at("answers") && at("questions") < at("answers"));
    }

    #[test]
    fn column_kinds_follow_the_declared_type() {
        assert_eq!(Kind::of("BIGINT"), Some(Kind::Integer));
        assert_eq!(Kind::of("INTEGER"), Some(Kind::Integer));
        assert_eq!(Kind::of("text"), Some(Kind::Text));
        assert_eq!(Kind::of("character varying"), Some(Kind::Text));
        assert_eq!(Kind::of("double precision"), Some(Kind::Double));
        assert_eq!(Kind::of("bytea"), None);
        assert_eq!(Kind::of("timestamp with time zone"), None);
    }

    #[test]
    fn names_are_quoted() {
        assert_eq!(quoted("users"), "\"users\"");
        assert_eq!(quoted("we\"ird"), "\"we\"\"ird\"");
    }
}
