//! The postgres backend (the synchronous `postgres` crate, without TLS).
//!
//! cfssl's postgres columns are native (docs/cfssl-lifecycle.md §1.2): `bytea` for the Go
//! strings, `timestamptz`, `jsonb`. lib/pq sends a Go string for a `bytea` parameter as text
//! that postgres then parses as bytea input, so a plain serial or PEM lands as its bytes —
//! which is what we bind directly. (A DER OCSP body cannot survive lib/pq that way: NUL bytes
//! are refused in text parameters. We store the bytes, which is what cfssl meant:
//! docs/cfssl-lifecycle.md §1.5, docs/differences.md #25.)
//! Errors read like lib/pq's (`pq: <message>`).

use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};

use crate::backend::{Backend, Cell, Param, rebind_dollar};
use crate::error::DbError;

pub(crate) struct Postgres {
    client: Client,
}

impl Postgres {
    /// Connects with `data_source` in either form lib/pq accepts: a `postgres://` URL or
    /// `key=value` pairs. Without a host, lib/pq uses `localhost`; so do we.
    pub(crate) fn connect(data_source: &str) -> Result<Self, DbError> {
        let mut config: postgres::Config = data_source.parse().map_err(driver_error)?;
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        let client = config
            .connect(NoTls)
            .map_err(|e| connect_error(&config, e))?;
        Ok(Postgres { client })
    }
}

/// A failed connection: the server's refusal as lib/pq words it (`pq: password
/// authentication failed for user "x"`), or, when no server answered, Go's dial error for
/// the address tried last (the client tries the hosts in order).
fn connect_error(config: &postgres::Config, e: postgres::Error) -> DbError {
    use postgres::config::Host;
    let io = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<std::io::Error>());
    let (Some(io), None) = (io, e.as_db_error()) else {
        return driver_error(e);
    };
    let hosts = config.get_hosts();
    let ports = config.get_ports();
    let last = hosts.len().saturating_sub(1);
    let port = ports
        .get(last)
        .or_else(|| ports.first())
        .copied()
        .unwrap_or(5432);
    match hosts.last() {
        Some(Host::Tcp(host)) if host.contains(':') => {
            DbError::dial("tcp", &format!("[{host}]:{port}"), &io.to_string())
        }
        Some(Host::Tcp(host)) => DbError::dial("tcp", &format!("{host}:{port}"), &io.to_string()),
        Some(Host::Unix(dir)) => DbError::dial(
            "unix",
            &dir.join(format!(".s.PGSQL.{port}")).display().to_string(),
            &io.to_string(),
        ),
        None => driver_error(e),
    }
}

/// lib/pq's `pq: <server message>`; other errors with their cause (the client's own text
/// leaves it out: `error connecting to server`).
fn driver_error(e: postgres::Error) -> DbError {
    if let Some(db) = e.as_db_error() {
        return DbError::driver(format!("pq: {}", db.message()));
    }
    match std::error::Error::source(&e) {
        Some(cause) => DbError::driver(format!("{e}: {cause}")),
        None => DbError::driver(e),
    }
}

fn boxed(param: &Param<'_>) -> Result<Box<dyn ToSql + Sync>, DbError> {
    Ok(match *param {
        Param::Str(s) => Box::new(s.as_bytes().to_vec()),
        Param::Text(s) => Box::new(s.to_string()),
        Param::Int(i) => Box::new(i),
        Param::Time(t) => Box::new(t),
        Param::Json(s) => {
            let value: serde_json::Value = serde_json::from_str(s)
                .map_err(|e| DbError::driver(format!("invalid JSON value: {e}")))?;
            Box::new(postgres::types::Json(value))
        }
        Param::Body(b) => Box::new(b.to_vec()),
    })
}

fn bind(params: &[Param<'_>]) -> Result<Vec<Box<dyn ToSql + Sync>>, DbError> {
    params.iter().map(boxed).collect()
}

fn refs(values: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|b| b.as_ref()).collect()
}

fn cell(row: &postgres::Row, i: usize) -> Result<Cell, DbError> {
    let ty = row
        .columns()
        .get(i)
        .map(|c| c.type_().clone())
        .unwrap_or(Type::BYTEA);
    let err = |e: postgres::Error| DbError::driver(e);
    Ok(if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)
            .map_err(err)?
            .map_or(Cell::Null, |v| Cell::Int(i64::from(v)))
    } else if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Int)
    } else if ty == Type::TIMESTAMPTZ {
        row.try_get::<_, Option<time::OffsetDateTime>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Time)
    } else if ty == Type::JSONB || ty == Type::JSON {
        row.try_get::<_, Option<serde_json::Value>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Json)
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)
            .map_err(err)?
            .map_or(Cell::Null, Cell::Bytes)
    } else {
        row.try_get::<_, Option<String>>(i)
            .map_err(err)?
            .map_or(Cell::Null, |s| Cell::Bytes(s.into_bytes()))
    })
}

impl Backend for Postgres {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let values = bind(params)?;
        self.client
            .execute(rebind_dollar(sql).as_str(), &refs(&values))
            .map_err(driver_error)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, DbError> {
        let values = bind(params)?;
        let rows = self
            .client
            .query(rebind_dollar(sql).as_str(), &refs(&values))
            .map_err(driver_error)?;
        rows.iter()
            .map(|row| (0..row.len()).map(|i| cell(row, i)).collect())
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.client.batch_execute(sql).map_err(driver_error)
    }
}
