//! A tiny certdb client: `certdb DB-CONFIG init|list|revoke SERIAL AKI REASON`.
//!
//! Shows the library's use from a binary (which prints; the library does not) and is what
//! the static-link check builds: sqlite is compiled in, the network drivers are pure Rust.

use cfssl_db::{Db, DbConfig, DbError, ListFilter};

fn run(args: &[String]) -> Result<(), DbError> {
    let config = DbConfig::load(args.first().map(String::as_str).unwrap_or_default())?;
    let mut db = Db::open(&config)?;
    match args.get(1).map(String::as_str) {
        Some("init") => db.init(),
        Some("revoke") => {
            let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
            db.revoke(arg(2), arg(3), arg(4).parse().unwrap_or(0))
        }
        _ => {
            for r in db.list_certificates(&ListFilter::default())? {
                println!(
                    "{} {} {} {} {}",
                    r.serial_number, r.authority_key_identifier, r.status, r.expiry, r.common_name
                );
            }
            Ok(())
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        match e.code() {
            Some(code) => eprintln!(
                "{{\"code\":{code},\"message\":{}}}",
                cfssl_json::marshal_string(&e.to_string())
            ),
            None => eprintln!("{e}"),
        }
        std::process::exit(1);
    }
}
