//! `cfssl-rs gencert` (docs/cfssl-compat.md §1.7.1): a new root (`-initca`), a re-keyed root
//! (`-initca -ca-key`), a renewed root (`-renewca`), or a key plus a certificate signed by
//! `-ca` under a profile. The work is `cfssl_ca`'s; this reads the inputs and prints.

use cfssl_ca::{CaError, GenCert, InitCa, Rekey, Renew, RequestError};
use cfssl_csr::{CertificateRequest, CsrError};
use cfssl_keys::KeyError;

use super::remote::{self, RemoteRoute};
use super::support::{
    CliLog, in_input, load_ca_cert, load_signing_key, local_signer, note_key_mismatch, now,
    open_db, print_output, read_request, record_issued,
};
use super::token::NewKeyUndo;
use super::{CliError, Context};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    if (ctx.flags.initca || ctx.flags.renewca) && !ctx.flags.db_config.is_empty() {
        // cfssl records only what its signer signs; a self-signed root is not recorded.
        return Err(CliError::plain(
            "-db-config: gencert -initca and -renewca make a self-signed root, which cfssl does \
             not record; drop -db-config (certificates the root signs with sign or gencert -ca \
             are recorded)",
        ));
    }
    if (ctx.flags.renewca || ctx.flags.initca) && !ctx.flags.ca_chain.is_empty() {
        return Err(CliError::plain(
            "-ca-chain lists the certificates above the signing CA (-ca); gencert -initca and \
             -renewca make a self-signed root, which has none",
        ));
    }
    // Both reuse the CA's key and print no key, so there would be nothing to encrypt.
    let reuses_key = ctx.flags.renewca || (ctx.flags.initca && !ctx.flags.ca_key.is_empty());
    if reuses_key && ctx.flags.encrypt_key {
        return Err(CliError::plain(
            "-encrypt-key: gencert -renewca and gencert -initca -ca-key reuse the existing CA \
             key and print no private key, so there is nothing to encrypt; drop -encrypt-key",
        ));
    }
    if ctx.flags.initca || ctx.flags.renewca {
        // A self-signed root is made here and recorded nowhere; cfssl ignores these for it.
        let remote_flags = [
            ("remote", ctx.flags.remote.trim()),
            ("tls-remote-ca", ctx.flags.tls_remote_ca.as_str()),
            (
                "mutual-tls-client-cert",
                ctx.flags.mutual_tls_client_cert.as_str(),
            ),
            (
                "mutual-tls-client-key",
                ctx.flags.mutual_tls_client_key.as_str(),
            ),
            ("label", ctx.flags.label.as_str()),
        ];
        if let Some((name, _)) = remote_flags.iter().find(|(_, value)| !value.is_empty()) {
            return Err(CliError::plain(format!(
                "-{name}: gencert -initca and -renewca make a self-signed root here, with no \
                 server involved; drop -{name}"
            )));
        }
    }
    if ctx.flags.renewca {
        if !ctx.flags.key_uri.is_empty() {
            return Err(CliError::plain(
                "-key-uri makes a new key; gencert -renewca renews a root with its existing key \
                 (give that key's pkcs11: URI as -ca-key)",
            ));
        }
        return renew_ca(ctx);
    }
    refuse_key_uri_conflicts(ctx)?;
    let name = ctx.args.pop_only()?;
    let request = read_request(ctx, &name)?;
    if ctx.flags.initca {
        if !ctx.flags.ca.is_empty() {
            // docs/differences.md #6: cfssl ignores -ca here and silently makes a new root.
            return Err(CliError::plain(
                "gencert -initca makes a self-signed root and does not use -ca. To make an \
                 intermediate CA: `cfssl-rs genkey int-csr.json | cfssljson-rs -bare int`, then \
                 `cfssl-rs sign -ca ca.pem -ca-key ca-key.pem -config config.json -profile \
                 <profile with ca_constraint.is_ca> int.csr | cfssljson-rs -bare int`. To re-key \
                 a root with an existing key, drop -ca and keep -ca-key.",
            ));
        }
        refuse_unlinted_root(ctx)?;
        let ca_key = ctx.flags.ca_key.clone();
        if !ctx.flags.key_uri.is_empty() {
            if !ca_key.is_empty() {
                return Err(CliError::plain(
                    "gencert -initca: -key-uri makes a new key in a token and -ca-key names an \
                     existing key; give only one",
                ));
            }
            crate::info!("generating a new CA key in a PKCS#11 token and its certificate from CSR");
            return init_ca_in_token(ctx, request);
        }
        if !ca_key.is_empty() {
            return rekey_root(ctx, request, &ca_key);
        }
        crate::info!("generating a new CA key and certificate from CSR");
        return init_ca(ctx, request);
    }
    if request.ca.is_some() {
        return Err(CsrError::CaNotPermitted.into());
    }
    if let Some(route) = remote::route(ctx, &ctx.flags.profile)? {
        return gencert_remotely(ctx, &route, request, &name);
    }
    remote::refuse_remote_only_flags(ctx, "the certificate")?;
    super::sign::refuse_label_without_record(ctx)?;
    let input = GenCert {
        request,
        hosts: cfssl_cli::resolve::hostnames(&ctx.flags)?,
        profile: ctx.flags.profile.clone(),
        crl_override: Some(ctx.flags.crl.clone()).filter(|crl| !crl.is_empty()),
    };
    cfssl_cli::resolve::require_ca(&ctx.flags, ctx.config.is_some(), "a ")?;
    // The two halves of cfssl_ca::gencert: cfssl loads the CA only after making the key.
    let in_request = |e: CaError| {
        let request_error = matches!(e, CaError::Request(_));
        let e = CliError::from(e);
        if request_error {
            in_input("the request", &name)(e)
        } else {
            e
        }
    };
    let request = input.request_with_hosts();
    let mut undo = NewKeyUndo::default();
    let (key_file, csr, signer) = if ctx.flags.key_uri.is_empty() {
        let new = cfssl_ca::genkey(&request, &mut CliLog).map_err(in_request)?;
        (Some(new.key), new.csr, local_signer(ctx)?)
    } else {
        // The CA is loaded first here: a key made in a token for a CA that cannot sign
        // would stay there.
        let signer = local_signer(ctx)?;
        let uri = ctx.flags.key_uri.clone();
        let (_token_key, csr) =
            cfssl_ca::new_key_and_csr_with(&request, |spec| undo.generate(&uri, spec), &mut CliLog)
                .map_err(|e| key_uri_error(e, &name))?;
        (None, csr, signer)
    };
    let mut db = open_db(ctx)?;
    let issued =
        cfssl_ca::sign_new_csr(&signer, &input, &csr, now(), &mut CliLog).inspect_err(|e| {
            if let CaError::Sign(e) = e {
                note_key_mismatch(ctx, e);
            }
        })?;
    record_issued(ctx, db.as_mut(), &[&issued])?;
    print_output(ctx, Some(issued.pem), Some(csr.pem), key_file.as_ref())?;
    undo.keep();
    Ok(())
}

/// `gencert -remote` (docs/cfssl-lifecycle.md §9.3): the key and CSR are made here, only
/// the CSR is sent; prints `{"cert","csr","key"}` as a local gencert does.
fn gencert_remotely(
    ctx: &mut Context<'_>,
    route: &RemoteRoute,
    mut request: CertificateRequest,
    name: &str,
) -> Result<(), CliError> {
    remote::refuse_local_only_flags(ctx)?;
    let hosts = cfssl_cli::resolve::hostnames(&ctx.flags)?;
    if let Some(hosts) = &hosts {
        request.hosts = hosts.clone();
    }
    // Checked before the key is made, so a bad address costs no key generation.
    let client = remote::connect(ctx, &route.servers)?;
    let new = cfssl_ca::genkey(&request, &mut CliLog).map_err(|e| {
        let request_error = matches!(e, CaError::Request(_));
        let e = CliError::from(e);
        if request_error {
            in_input("the request", name)(e)
        } else {
            e
        }
    })?;
    let wire = cfssl_api::sign::WireSignRequest {
        hosts: hosts.clone(),
        certificate_request: new.csr.pem.clone(),
        profile: ctx.flags.profile.clone(),
        label: ctx.flags.label.clone(),
        ..cfssl_api::sign::WireSignRequest::default()
    };
    let certificate = client
        .sign(
            &wire,
            route.auth_key.as_ref().map(|key| key.as_slice()),
            remote::unix_now(),
            &mut remote::log_note,
        )
        .map_err(remote::remote_error)?;
    if request.hosts.is_empty() {
        crate::warning!("{}", cfssl_ca::NO_HOSTS_WARNING);
    }
    print_output(ctx, Some(certificate), Some(new.csr.pem), Some(&new.key))
}

/// A failure to make the key and CSR of `-key-uri`: a token's error names `-key-uri` itself,
/// so only the request's own errors get the `in the request FILE` line.
pub fn key_uri_error(e: RequestError, request_name: &str) -> CliError {
    let from_token = matches!(e, RequestError::Key(KeyError::External { .. }));
    let e = CliError::from(CaError::from(e));
    if from_token {
        e
    } else {
        in_input("the request", request_name)(e)
    }
}

/// `-key-uri` makes the new key in a token: nothing to encrypt, and no key file to read.
pub fn refuse_key_uri_conflicts(ctx: &Context<'_>) -> Result<(), CliError> {
    if ctx.flags.key_uri.is_empty() {
        return Ok(());
    }
    if ctx.flags.encrypt_key {
        return Err(CliError::plain(
            "-encrypt-key: a key made in a token with -key-uri never leaves it, so there is no \
             key file to encrypt; drop one of the two",
        ));
    }
    Ok(())
}

/// `gencert -initca -config C` where the chosen profile asks for linting: cfssl's initca
/// never reads signing profiles (its root policy is fixed), so the lint setting would be
/// silently ignored and the root issued unlinted. Refused, naming the linted way to make a
/// root (docs/cfssl-compat.md §5.17).
pub fn refuse_unlinted_root(ctx: &Context<'_>) -> Result<(), CliError> {
    let Some(config) = &ctx.config else {
        return Ok(());
    };
    let profile = config.profile(&ctx.flags.profile)?;
    if profile.lint_error_level == 0 {
        return Ok(());
    }
    let name = if ctx.flags.profile.is_empty() {
        "the default profile".to_owned()
    } else {
        format!("profile {:?}", ctx.flags.profile)
    };
    Err(CliError::plain(format!(
        "-initca: {name} of -config sets lint_error_level, but a root made by -initca \
         is not signed under a profile (cfssl ignores -config here), so it would not be \
         linted. Make a linted root with a ceremony `root` step (`cfssl-rs ceremony plan` / \
         `ceremony run`, see docs/ceremony.md), or drop -config"
    )))
}

/// `gencert -initca -key-uri` / `genkey -initca -key-uri`: [`init_ca`] with the key made in a
/// PKCS#11 token. The certificate and CSR are printed; the key stays in the token.
pub fn init_ca_in_token(
    ctx: &mut Context<'_>,
    request: CertificateRequest,
) -> Result<(), CliError> {
    let uri = ctx.flags.key_uri.clone();
    let mut undo = NewKeyUndo::default();
    let (_key, root) = cfssl_ca::init_ca_with_new_key(
        &request,
        |spec| undo.generate(&uri, spec),
        now(),
        &mut CliLog,
    )
    .map_err(init_ca_error)?;
    print_output(ctx, Some(root.certificate.pem), Some(root.csr_pem), None)?;
    undo.keep();
    Ok(())
}

/// cfssl's `initca.New`: key, CSR and self-signed root (`gencert -initca`, `genkey -initca`).
pub fn init_ca(ctx: &mut Context<'_>, request: CertificateRequest) -> Result<(), CliError> {
    match cfssl_ca::init_ca(&InitCa { request }, now(), &mut CliLog) {
        Ok(root) => print_output(
            ctx,
            Some(root.certificate.pem),
            Some(root.csr_pem),
            Some(&root.key),
        ),
        Err(e) => Err(init_ca_error(e)),
    }
}

/// cfssl's log lines and error for a root that could not be made.
fn init_ca_error(e: CaError) -> CliError {
    match e {
        CaError::InvalidCaRequest { reason } => {
            crate::warning!("invalid request: {}", CliError::from(reason));
            let e = CliError::from(CsrError::MissingSubject);
            crate::error!("failed to process request: {e}");
            e
        }
        CaError::Request(e) => {
            let e = CliError::from(e);
            crate::error!("failed to process request: {e}");
            e
        }
        e => e.into(),
    }
}

/// `gencert -initca -ca-key KEY`: a new self-signed root for an existing key (docs/cfssl-compat.md §5.12).
fn rekey_root(
    ctx: &mut Context<'_>,
    request: CertificateRequest,
    key_spec: &str,
) -> Result<(), CliError> {
    crate::info!("re-generate a CA certificate from CSR and CA key");
    let key = load_signing_key(ctx, key_spec, "ca-key").inspect_err(|e| crate::error!("{e}"))?;
    let root = cfssl_ca::rekey(&Rekey { request, key }, now(), &mut CliLog)?;
    print_output(ctx, Some(root.certificate.pem), Some(root.csr_pem), None)
}

/// `gencert -renewca -ca CERT -ca-key KEY` (docs/cfssl-compat.md §5.13).
fn renew_ca(ctx: &mut Context<'_>) -> Result<(), CliError> {
    crate::info!("re-generate a CA certificate from CA cert and key");
    let result = (|| {
        let certificate = load_ca_cert(&ctx.flags.ca)?;
        let key = load_signing_key(ctx, &ctx.flags.ca_key, "ca-key")?;
        let input = Renew { certificate, key };
        Ok::<_, CliError>(cfssl_ca::renew(&input, now(), &mut CliLog)?)
    })();
    let issued = result.inspect_err(|e| crate::error!("{e}"))?;
    print_output(ctx, Some(issued.pem), None, None)
}
