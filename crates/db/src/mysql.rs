//! The mysql backend (the `mysql` crate, pure Rust, no TLS) and go-sql-driver's DSN.
//!
//! cfssl's data source is a go-sql-driver DSN, `user:password@tcp(host:port)/db?parseTime=true`
//! (docs/cfssl-lifecycle.md §1.1), which no Rust client reads; [`Dsn::parse`] splits it the
//! way go-sql-driver does and `MysqlConn::connect` turns it into the client's options.
//!
//! Values follow go-sql-driver's encoding: strings as bytes into the `varbinary` columns,
//! times as `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC (cfssl converts every time to UTC and the
//! driver's default location is UTC), Go's zero time as the zero date `0000-00-00` (which is
//! what the migrations' `DEFAULT '0000-00-00 00:00:00'` also writes). The session time zone is
//! left as the server sets it, as go-sql-driver does, so rows read and compare the same for
//! cfssl and for us.
//!
//! One departure: the client asks for "found rows" (`CLIENT_FOUND_ROWS`), so an UPDATE that
//! matches a row but changes nothing still counts it. go-sql-driver does not, which makes
//! cfssl's `revoke` report "certificate not found" for a row revoked again within the same
//! second with the same reason, and its OCSP upsert try an INSERT (and fail on the primary
//! key) when the response has not changed (docs/cfssl-lifecycle.md §1.5, docs/differences.md #25).

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Params, Value};
use time::OffsetDateTime;

use crate::backend::{Backend, Cell, Param};
use crate::error::DbError;
use crate::timefmt::GO_ZERO_TIME;

/// A go-sql-driver DSN, split.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dsn {
    /// The user name (empty: none).
    pub user: String,
    /// The password (`None`: none given).
    pub password: Option<String>,
    /// `tcp` or `unix` (empty means `tcp`).
    pub net: String,
    /// `host:port` for tcp, a socket path for unix; empty for the driver's default.
    pub addr: String,
    /// The database name.
    pub db_name: String,
    /// The `?key=value&…` parameters, undecoded.
    pub params: Vec<(String, String)>,
}

impl Dsn {
    /// Splits `[user[:password]@][net[(addr)]]/dbname[?param=value&…]` as go-sql-driver's
    /// `ParseDSN` does (the last `/` ends the address part, the last `@` before it ends the
    /// credentials).
    pub fn parse(dsn: &str) -> Result<Self, DbError> {
        let mut out = Dsn::default();
        let Some(slash) = dsn.rfind('/') else {
            if dsn.is_empty() {
                return Ok(out);
            }
            return Err(DbError::InvalidDsn {
                reason: "missing the slash separating the database name".into(),
            });
        };
        let (head, tail) = (&dsn[..slash], &dsn[slash + 1..]);
        let address = match head.rfind('@') {
            Some(at) => {
                let credentials = &head[..at];
                match credentials.split_once(':') {
                    Some((user, password)) => {
                        out.user = user.to_string();
                        out.password = Some(password.to_string());
                    }
                    None => out.user = credentials.to_string(),
                }
                &head[at + 1..]
            }
            None => head,
        };
        match address.find('(') {
            Some(open) => {
                if !address.ends_with(')') {
                    return Err(DbError::InvalidDsn {
                        reason: "network address not terminated (missing closing brace)".into(),
                    });
                }
                out.net = address[..open].to_string();
                out.addr = address[open + 1..address.len() - 1].to_string();
            }
            None => out.net = address.to_string(),
        }
        let (db_name, query) = match tail.split_once('?') {
            Some((db, q)) => (db, Some(q)),
            None => (tail, None),
        };
        out.db_name = db_name.to_string();
        if let Some(query) = query {
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                out.params.push((k.to_string(), v.to_string()));
            }
        }
        match out.net.as_str() {
            "" | "tcp" | "unix" => Ok(out),
            other => Err(DbError::InvalidDsn {
                reason: format!("unknown network {other}"),
            }),
        }
    }

    fn options(&self) -> OptsBuilder {
        let mut opts = OptsBuilder::new()
            .user(Some(self.user.clone()).filter(|u| !u.is_empty()))
            .pass(self.password.clone())
            .db_name(Some(self.db_name.clone()).filter(|d| !d.is_empty()))
            .additional_capabilities(mysql::consts::CapabilityFlags::CLIENT_FOUND_ROWS)
            .prefer_socket(false);
        if self.net == "unix" {
            let path = if self.addr.is_empty() {
                "/tmp/mysql.sock"
            } else {
                self.addr.as_str()
            };
            opts = opts.socket(Some(path.to_string()));
        } else {
            let addr = if self.addr.is_empty() {
                "127.0.0.1:3306"
            } else {
                self.addr.as_str()
            };
            let (host, port) = split_host_port(addr);
            opts = opts.ip_or_hostname(Some(host)).tcp_port(port);
        }
        opts
    }
}

/// `host:port`, `[v6]:port` or a bare host (port 3306, as go-sql-driver adds it).
fn split_host_port(addr: &str) -> (String, u16) {
    if let Some((host, port)) = addr.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        let port = port
            .strip_prefix(':')
            .and_then(|p| p.parse().ok())
            .unwrap_or(3306);
        return (host.to_string(), port);
    }
    match addr.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            (host.to_string(), port.parse().unwrap_or(3306))
        }
        _ => (addr.to_string(), 3306),
    }
}

pub(crate) struct MysqlConn {
    conn: Conn,
}

impl MysqlConn {
    pub(crate) fn connect(dsn: &Dsn) -> Result<Self, DbError> {
        let conn = Conn::new(dsn.options()).map_err(|e| connect_error(dsn, e))?;
        Ok(MysqlConn { conn })
    }
}

/// A failed connection: the server's refusal as go-sql-driver words it, or, when no server
/// answered, Go's dial error (`dial tcp 127.0.0.1:1: connect: connection refused`).
fn connect_error(dsn: &Dsn, e: mysql::Error) -> DbError {
    use mysql::DriverError::{ConnectTimeout, CouldNotConnect};
    let network = if dsn.net == "unix" { "unix" } else { "tcp" };
    match e {
        mysql::Error::DriverError(CouldNotConnect(Some((address, reason, _)))) => {
            DbError::dial(network, &address, &reason)
        }
        // The client reports the system's ETIMEDOUT this way.
        mysql::Error::DriverError(ConnectTimeout) => {
            let address = if dsn.addr.is_empty() {
                "127.0.0.1:3306"
            } else {
                dsn.addr.as_str()
            };
            DbError::dial(network, address, "connection timed out")
        }
        other => driver_error(other),
    }
}

fn driver_error(e: mysql::Error) -> DbError {
    match e {
        // go-sql-driver 1.7's text: `Error 1146 (42S02): Table 'db.certificates' doesn't exist`.
        mysql::Error::MySqlError(m) => {
            DbError::driver(format!("Error {} ({}): {}", m.code, m.state, m.message))
        }
        // Without the client's `DriverError { … }` / `IoError { … }` wrapping.
        mysql::Error::DriverError(d) => DbError::driver(d),
        mysql::Error::IoError(io) => DbError::driver(io),
        other => DbError::driver(other),
    }
}

/// go-sql-driver's text for a `time.Time` parameter.
fn datetime_text(t: OffsetDateTime) -> String {
    if t == GO_ZERO_TIME {
        return "0000-00-00".to_string();
    }
    let mut out = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let micros = t.microsecond();
    if micros != 0 {
        out.push_str(format!(".{micros:06}").trim_end_matches('0'));
    }
    out
}

fn value(param: &Param<'_>) -> Value {
    match *param {
        Param::Str(s) | Param::Text(s) | Param::Json(s) => Value::Bytes(s.as_bytes().to_vec()),
        Param::Int(i) => Value::Int(i64::from(i)),
        Param::Time(None) => Value::NULL,
        Param::Time(Some(t)) => Value::Bytes(datetime_text(t).into_bytes()),
        Param::Body(b) => Value::Bytes(b.to_vec()),
    }
}

fn cell(v: Value) -> Cell {
    match v {
        Value::NULL => Cell::Null,
        Value::Bytes(b) => Cell::Bytes(b),
        Value::Int(i) => Cell::Int(i),
        Value::UInt(u) => {
            i64::try_from(u).map_or_else(|_| Cell::Bytes(u.to_string().into_bytes()), Cell::Int)
        }
        Value::Float(f) => Cell::Bytes(f.to_string().into_bytes()),
        Value::Double(f) => Cell::Bytes(f.to_string().into_bytes()),
        Value::Date(0, 0, 0, 0, 0, 0, 0) => Cell::Time(GO_ZERO_TIME),
        Value::Date(y, mo, d, h, mi, s, us) => {
            let date = time::Month::try_from(mo)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(i32::from(y), m, d).ok());
            let clock = time::Time::from_hms_micro(h, mi, s, us).ok();
            match (date, clock) {
                (Some(date), Some(clock)) => {
                    Cell::Time(time::PrimitiveDateTime::new(date, clock).assume_utc())
                }
                _ => {
                    Cell::Bytes(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}").into_bytes())
                }
            }
        }
        Value::Time(..) => Cell::Bytes(b"(time of day)".to_vec()),
    }
}

impl Backend for MysqlConn {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let params = Params::Positional(params.iter().map(value).collect());
        let result = self.conn.exec_iter(sql, params).map_err(driver_error)?;
        Ok(result.affected_rows())
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, DbError> {
        let params = if params.is_empty() {
            Params::Empty
        } else {
            Params::Positional(params.iter().map(value).collect())
        };
        let rows: Vec<mysql::Row> = self.conn.exec(sql, params).map_err(driver_error)?;
        Ok(rows
            .into_iter()
            .map(|row| row.unwrap().into_iter().map(cell).collect())
            .collect())
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.query_drop(sql).map_err(driver_error)
    }

    fn begin_write_sql(&self) -> &'static str {
        "START TRANSACTION"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_go_sql_driver_dsns() {
        let d = Dsn::parse("user:p@ss:w@tcp(db.example:3307)/certdb?parseTime=true&loc=UTC")
            .expect("valid");
        assert_eq!(d.user, "user");
        assert_eq!(d.password.as_deref(), Some("p@ss:w"));
        assert_eq!(
            (d.net.as_str(), d.addr.as_str(), d.db_name.as_str()),
            ("tcp", "db.example:3307", "certdb")
        );
        assert_eq!(
            d.params,
            vec![
                ("parseTime".into(), "true".into()),
                ("loc".into(), "UTC".into())
            ]
        );
        let d = Dsn::parse("root@unix(/run/mysqld/mysqld.sock)/certdb").expect("valid");
        assert_eq!(
            (d.user.as_str(), d.password.as_deref(), d.net.as_str()),
            ("root", None, "unix")
        );
        let d = Dsn::parse("/certdb").expect("valid");
        assert_eq!(
            (d.net.as_str(), d.addr.as_str(), d.db_name.as_str()),
            ("", "", "certdb")
        );
        assert_eq!(
            Dsn::parse("user@tcp(host:1")
                .expect_err("no slash")
                .to_string(),
            "invalid DSN: missing the slash separating the database name"
        );
        assert_eq!(
            Dsn::parse("user@tcp(host:1/db")
                .expect_err("brace")
                .to_string(),
            "invalid DSN: network address not terminated (missing closing brace)"
        );
        assert_eq!(split_host_port("[::1]:3310"), ("::1".to_string(), 3310));
        assert_eq!(split_host_port("db"), ("db".to_string(), 3306));
    }

    #[test]
    fn times_as_go_sql_driver_sends_them() {
        assert_eq!(datetime_text(GO_ZERO_TIME), "0000-00-00");
        assert_eq!(
            datetime_text(datetime!(2027-12-06 04:49:00 UTC)),
            "2027-12-06 04:49:00"
        );
        assert_eq!(
            datetime_text(datetime!(2026-12-06 04:54:09.4385 UTC)),
            "2026-12-06 04:54:09.4385"
        );
    }
}
