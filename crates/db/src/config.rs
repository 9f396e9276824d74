//! The db-config file: which driver, which data source (docs/cfssl-lifecycle.md §1.1).

use std::path::Path;

use crate::error::DbError;

/// A database driver cfssl 1.6.5 is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// `sqlite3` (mattn/go-sqlite3 in cfssl): a file path, `:memory:` or a `file:` URI.
    Sqlite3,
    /// `postgres` (lib/pq): a `postgres://` URL or `key=value` pairs.
    Postgres,
    /// `mysql` (go-sql-driver/mysql): `user:password@tcp(host:port)/db?parseTime=true`.
    Mysql,
}

impl Driver {
    /// The name as written in a db-config.
    pub fn name(self) -> &'static str {
        match self {
            Driver::Sqlite3 => "sqlite3",
            Driver::Postgres => "postgres",
            Driver::Mysql => "mysql",
        }
    }

    /// The driver called `name`, as Go's `database/sql` registry would find it
    /// (exact, case-sensitive); anything else is `sql: unknown driver "name" (forgotten import?)`.
    pub fn from_name(name: &str) -> Result<Self, DbError> {
        match name {
            "sqlite3" => Ok(Driver::Sqlite3),
            "postgres" => Ok(Driver::Postgres),
            "mysql" => Ok(Driver::Mysql),
            _ => Err(DbError::UnknownDriver {
                driver: name.to_string(),
            }),
        }
    }
}

/// A db-config: `{"driver": D, "data_source": S}`.
///
/// Both members are kept as written; the driver name is only checked by [`DbConfig::driver`]
/// (cfssl checks it when opening, after the file has loaded, so an unknown driver is a
/// different, plain-text error: docs/cfssl-lifecycle.md §1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbConfig {
    /// `driver`: `sqlite3`, `postgres` or `mysql`.
    pub driver: String,
    /// `data_source`, passed to the driver.
    pub data_source: String,
}

impl DbConfig {
    /// Reads and checks the db-config at `path` as cfssl's `dbconf.LoadFile` does: every
    /// failure is code 5200 (`invalid path`, `could not read configuration file`,
    /// `failed to unmarshal configuration: <Go json error>`, `invalid db configuration`).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, DbError> {
        let path = path.as_ref();
        if path.as_os_str().is_empty() {
            return Err(DbError::EmptyPath);
        }
        let body = std::fs::read(path).map_err(|source| DbError::ReadConfig {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&body)
    }

    /// Parses a db-config document with Go `encoding/json` rules and texts. The document
    /// `null` is `invalid db configuration` (cfssl panics on it: docs/cfssl-lifecycle.md §1.5).
    pub fn from_json(body: &[u8]) -> Result<Self, DbError> {
        let doc = cfssl_json::parse(body).map_err(|e| DbError::ConfigJson(e.to_string()))?;
        // A root that is not an object names the struct type (Go dereferences the pointer
        // before it looks at the value) ...
        cfssl_json::Object::new(&doc, "dbconf.DBConfig", &[])
            .map_err(|e| DbError::ConfigJson(e.to_string()))?;
        // ... while field errors carry the empty struct name of a `*DBConfig` variable
        // (`json.Unmarshal(body, &cfg)`).
        let object = cfssl_json::Object::new(&doc, "*dbconf.DBConfig", &["driver", "data_source"])
            .map_err(|e| DbError::ConfigJson(e.to_string()))?;
        let driver = object
            .string("driver")
            .map_err(|e| DbError::ConfigJson(e.to_string()))?;
        let data_source = object
            .string("data_source")
            .map_err(|e| DbError::ConfigJson(e.to_string()))?;
        match (driver, data_source) {
            (Some(driver), Some(data_source)) if !driver.is_empty() && !data_source.is_empty() => {
                Ok(DbConfig {
                    driver,
                    data_source,
                })
            }
            _ => Err(DbError::InvalidConfig),
        }
    }

    /// The driver, or cfssl's unknown-driver error.
    pub fn driver(&self) -> Result<Driver, DbError> {
        Driver::from_name(&self.driver)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> String {
        match DbConfig::from_json(body.as_bytes()) {
            Ok(c) => panic!("accepted {c:?}"),
            Err(e) => {
                assert_eq!(e.code(), Some(5200), "{e}");
                e.to_string()
            }
        }
    }

    #[test]
    fn reads_the_fixture_shape() {
        let c = DbConfig::from_json(br#"{"driver":"sqlite3","data_source":"certs.db"}"#)
            .expect("valid");
        assert_eq!(c.driver().expect("known"), Driver::Sqlite3);
        assert_eq!(c.data_source, "certs.db");
        // Go matches keys case-insensitively and ignores unknown ones.
        let c = DbConfig::from_json(br#"{"Driver":"mysql","DATA_SOURCE":"x","other":1}"#)
            .expect("valid");
        assert_eq!((c.driver.as_str(), c.data_source.as_str()), ("mysql", "x"));
    }

    #[test]
    fn refuses_like_cfssl() {
        assert_eq!(
            message(r#"{"driver":"sqlite3"}"#),
            "invalid db configuration"
        );
        assert_eq!(
            message(r#"{"driver":"","data_source":"x"}"#),
            "invalid db configuration"
        );
        assert_eq!(
            message("{"),
            "failed to unmarshal configuration: unexpected end of JSON input"
        );
        assert_eq!(
            message(r#"{"driver":1,"data_source":"x"}"#),
            "failed to unmarshal configuration: json: cannot unmarshal number into Go struct field .driver of type string"
        );
        let unknown = DbConfig::from_json(br#"{"driver":"nosuch","data_source":"x"}"#)
            .expect("loads")
            .driver()
            .expect_err("unknown");
        assert_eq!(
            unknown.to_string(),
            r#"sql: unknown driver "nosuch" (forgotten import?)"#
        );
        assert_eq!(unknown.code(), None);
    }

    #[test]
    fn missing_file() {
        let e = DbConfig::load("/nonexistent/db-config.json").expect_err("missing");
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (Some(5200), "could not read configuration file")
        );
        assert_eq!(
            DbConfig::load("").expect_err("empty").to_string(),
            "invalid path"
        );
    }
}
