//! `cfssl-rs bundle -cert FILE [-key KEY] [-ca-bundle ROOTS] [-int-bundle INTS]
//! [-flavor optimal|ubiquitous|force] [-password P] [-metadata FILE]`
//! (docs/cfssl-lifecycle.md §11): the certificate's chain to a trusted root, as cfssl's
//! bundle JSON on stdout without a trailing newline.
//!
//! The order of cfssl's `bundlerMain` is kept: metadata, then the stores (not read at all
//! for `-flavor force`), then the chain and key. What cfssl does over the network is
//! refused with what to do instead: `-domain`/`-ip` (a TLS dial) and `-int-dir` (where
//! cfssl keeps intermediates it downloads from AIA URLs) — docs/differences.md #36.

use std::path::Path;

use cfssl_ca::bundle::{
    BundleRequest, Bundler, Flavor, certificates_from_pem_lenient, platforms_from_json,
};
use time::OffsetDateTime;

use super::support::CliLog;
use super::{CliError, Context, read_file};

/// Where Go looks for the system's roots on Linux, in order (`crypto/x509`
/// `root_linux.go`); `SSL_CERT_FILE` comes first.
const SYSTEM_ROOT_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The directories Go reads every file of, after the file (`root_linux.go`).
const SYSTEM_ROOT_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let flags = ctx.flags.clone();
    if !flags.domain.is_empty() || !flags.ip.is_empty() {
        return Err(CliError::plain(
            "bundle -domain/-ip dials the server over TLS; cfssl-rs works offline. Fetch the \
             served chain (e.g. `openssl s_client -connect host:443 -showcerts </dev/null > \
             chain.pem`) and use -cert chain.pem (docs/differences.md #36)",
        ));
    }
    if !flags.int_dir.is_empty() {
        return Err(CliError::plain(
            "bundle -int-dir is where cfssl stores intermediates it downloads from AIA URLs; \
             cfssl-rs does not download (offline): pass intermediates with -int-bundle \
             (docs/differences.md #36)",
        ));
    }
    let flavor: Flavor = flags.flavor.parse().map_err(|e: String| {
        CliError::plain(format!(
            "{e} (cfssl bundles with any other word as ubiquitous; docs/differences.md #37)"
        ))
    })?;

    let platforms = if flags.metadata.is_empty() {
        Vec::new()
    } else {
        load_metadata(&flags.metadata)?
    };
    let bundler = if flavor == Flavor::Force {
        // cfssl does not read the stores for a forced bundle.
        Bundler::default()
    } else {
        stores(&flags.ca_bundle, &flags.int_bundle)?
    }
    .with_platforms(platforms);

    if flags.cert.is_empty() {
        return Err(CliError::plain(
            "Must specify bundle target through -cert or -domain",
        ));
    }
    // cfssl: `-cert -` reads the key through the same stdin reader and never uses the
    // PKCS#12 password.
    let (chain, key, password) = if flags.cert == "-" {
        let chain = ctx.read_input("-")?;
        let key = if flags.key.is_empty() {
            None
        } else {
            Some(ctx.read_input(&flags.key)?)
        };
        (chain, key, String::new())
    } else {
        let chain = read_file(&flags.cert).map_err(|e| CliError::cfssl(1001, e.to_string()))?;
        let key = if flags.key.is_empty() {
            None
        } else {
            Some(read_file(&flags.key).map_err(|e| CliError::cfssl(2001, e.to_string()))?)
        };
        if key.as_ref().is_some_and(|k| k.is_empty()) {
            // cfssl crashes here (errors.Wrap of a nil error); say what is wrong.
            return Err(CliError::cfssl(2002, "Failed to decode private key"));
        }
        (chain, key, flags.password.clone())
    };
    let request = BundleRequest {
        chain: &chain,
        key: key.as_deref(),
        password: &password,
        flavor,
    };
    let bundle =
        cfssl_ca::bundle::bundle(&bundler, &request, OffsetDateTime::now_utc(), &mut CliLog)?;
    ctx.print(&bundle.to_json())
}

/// `-ca-bundle` (empty: the system's roots, as Go's) and `-int-bundle`. Without either a
/// `-ca-bundle` or a system store Go verifies against an empty pool (so 1220); we say why
/// in a warning.
pub fn stores(ca_bundle: &str, int_bundle: &str) -> Result<Bundler, CliError> {
    let roots = if ca_bundle.is_empty() {
        None
    } else {
        Some(read_file(ca_bundle).map_err(|e| CliError::cfssl(4001, e.to_string()))?)
    };
    let intermediates = if int_bundle.is_empty() {
        None
    } else {
        Some(read_file(int_bundle).map_err(|e| CliError::cfssl(3001, e.to_string()))?)
    };
    let bundler =
        Bundler::from_pem(roots.as_deref(), intermediates.as_deref()).map_err(bundle_error)?;
    if roots.is_some() {
        return Ok(bundler);
    }
    let system = system_roots().unwrap_or_else(|| {
        crate::warning!(
            "no -ca-bundle and no system root store (SSL_CERT_FILE, SSL_CERT_DIR, \
             /etc/ssl/certs/ca-certificates.crt, …): nothing is trusted; pass the roots with -ca-bundle"
        );
        Vec::new()
    });
    let intermediates = match intermediates {
        Some(pem) => cfssl_ca::bundle::certificates_from_pem(&pem)
            .map_err(|_| CliError::cfssl(3003, "Failed to parse intermediate certificate"))?,
        None => Vec::new(),
    };
    Ok(Bundler::new(system, intermediates))
}

/// The system's roots, read as Go reads them on Linux (`crypto/x509` `root_unix.go`): the
/// file `SSL_CERT_FILE` names, else the first of [`SYSTEM_ROOT_FILES`] that can be read;
/// then every file of the directories `SSL_CERT_DIR` lists (colon-separated), else of
/// [`SYSTEM_ROOT_DIRS`], skipping links to files of the same directory (the hash links).
/// Blocks that are not certificates we can read are skipped. `None` when nothing was found.
fn system_roots() -> Option<Vec<cfssl_ca::bundle::BundleCertificate>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut roots = Vec::new();
    let files: Vec<String> = match env("SSL_CERT_FILE") {
        Some(file) => vec![file],
        None => SYSTEM_ROOT_FILES.iter().map(|f| (*f).to_owned()).collect(),
    };
    if let Some(pem) = files.iter().find_map(|file| std::fs::read(file).ok()) {
        roots.extend(certificates_from_pem_lenient(&pem));
    }
    let dirs: Vec<String> = match env("SSL_CERT_DIR") {
        Some(list) => list.split(':').map(str::to_owned).collect(),
        None => SYSTEM_ROOT_DIRS.iter().map(|d| (*d).to_owned()).collect(),
    };
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let same_dir_link = std::fs::read_link(&path)
                .is_ok_and(|target| !target.to_string_lossy().contains('/'));
            if same_dir_link || !path.is_file() {
                continue;
            }
            if let Ok(pem) = std::fs::read(&path) {
                roots.extend(certificates_from_pem_lenient(&pem));
            }
        }
    }
    (!roots.is_empty()).then_some(roots)
}

/// `-metadata`: the platform list, key stores relative to the metadata file.
pub fn load_metadata(path: &str) -> Result<Vec<cfssl_ca::bundle::Platform>, CliError> {
    let json = read_file(path)
        .map_err(|e| CliError::plain(format!("platform metadata failed to load: {e}")))?;
    let dir = Path::new(path).parent().unwrap_or(Path::new(""));
    let mut read_keystore = |name: &str| -> Result<Vec<u8>, String> {
        let file = dir.join(name);
        read_file(&file.to_string_lossy()).map_err(|e| e.to_string())
    };
    platforms_from_json(&json, &mut read_keystore).map_err(bundle_error)
}

fn bundle_error(e: cfssl_ca::bundle::BundleError) -> CliError {
    cfssl_ca::CaError::from(e).into()
}
