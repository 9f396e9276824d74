//! Loading a PKCS#11 module, finding the token a URI names, and logging in.
//!
//! A module is loaded and `C_Initialize`d once per process and kept for the life of the
//! process: PKCS#11 allows one initialisation per application (a second `C_Initialize`
//! fails with CKR_CRYPTOKI_ALREADY_INITIALIZED) and a `C_Finalize` would close every
//! session another key of the same module still uses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use zeroize::Zeroizing;

use crate::error::{describe, token_error};
use crate::uri::PinSource;
use crate::{Pkcs11Error, Pkcs11Uri};

/// Asks for a token's PIN when the URI has no `pin-source`: called with the token label,
/// returns the PIN or `None` (no PIN available → [`Pkcs11Error::PinRequired`]). The binary
/// implements it with an environment variable or a terminal prompt; a library never reads
/// either.
pub type PinCallback<'a> = &'a mut dyn FnMut(&str) -> Option<Zeroizing<String>>;

/// Where to find the module and the PIN besides the URI.
pub struct Access<'a> {
    /// The value of `CFSSL_PKCS11_MODULE`, used when the URI has no `module-path`.
    pub module_env: Option<&'a Path>,
    /// Asked for the PIN when the URI has no `pin-source`.
    pub pin: PinCallback<'a>,
}

fn modules() -> &'static Mutex<HashMap<PathBuf, Pkcs11>> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    MODULES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The module path the URI or the environment names.
pub(crate) fn module_path(
    uri: &Pkcs11Uri,
    module_env: Option<&Path>,
) -> Result<PathBuf, Pkcs11Error> {
    uri.module_path
        .clone()
        .or_else(|| {
            module_env
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
        })
        .ok_or_else(|| Pkcs11Error::NoModule {
            module_name: uri.module_name.clone(),
        })
}

/// Loads and initialises the module at `path`, or returns the one loaded before.
pub(crate) fn load(path: &Path) -> Result<Pkcs11, Pkcs11Error> {
    if !path.exists() {
        return Err(Pkcs11Error::ModuleMissing {
            path: path.to_path_buf(),
        });
    }
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut cache = modules()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(ctx) = cache.get(&key) {
        return Ok(ctx.clone());
    }
    let unloadable = |reason: String| Pkcs11Error::ModuleUnloadable {
        path: path.to_path_buf(),
        reason,
    };
    let ctx = Pkcs11::new(path).map_err(|e| unloadable(describe(&e)))?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        // Another part of this process (another library) initialised it already: usable.
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(unloadable(describe(&e))),
    }
    cache.insert(key, ctx.clone());
    Ok(ctx)
}

/// The token the URI selects, with its label.
pub(crate) struct FoundToken {
    pub(crate) slot: Slot,
    pub(crate) label: String,
    pub(crate) login_required: bool,
}

/// Checks the URI's `library-*` attributes against the module, then finds exactly one token
/// matching its token and slot attributes (RFC 7512 §3.3: absent attributes match anything).
pub(crate) fn find_token(
    ctx: &Pkcs11,
    uri: &Pkcs11Uri,
    path: &Path,
) -> Result<FoundToken, Pkcs11Error> {
    check_library(ctx, uri, path)?;
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| token_error("C_GetSlotList", e))?;
    let mut seen = Vec::new();
    let mut matching = Vec::new();
    for slot in slots {
        let info = ctx
            .get_token_info(slot)
            .map_err(|e| token_error("C_GetTokenInfo", e))?;
        // An uninitialised token (SoftHSM always offers one free slot) holds no keys.
        if !info.token_initialized() {
            continue;
        }
        let label = info.label().trim_end().to_owned();
        seen.push(format!("\"{label}\""));
        let wanted = |want: &Option<String>, have: &str| {
            want.as_deref().is_none_or(|w| w == have.trim_end())
        };
        if !wanted(&uri.token, &label)
            || !wanted(&uri.manufacturer, info.manufacturer_id())
            || !wanted(&uri.serial, info.serial_number())
            || !wanted(&uri.model, info.model())
            || uri.slot_id.is_some_and(|id| id != slot.id())
        {
            continue;
        }
        if uri.slot_description.is_some() || uri.slot_manufacturer.is_some() {
            let slot_info = ctx
                .get_slot_info(slot)
                .map_err(|e| token_error("C_GetSlotInfo", e))?;
            if !wanted(&uri.slot_description, slot_info.slot_description())
                || !wanted(&uri.slot_manufacturer, slot_info.manufacturer_id())
            {
                continue;
            }
        }
        matching.push(FoundToken {
            slot,
            label,
            login_required: info.login_required(),
        });
    }
    let wanted = describe_token_query(uri);
    match matching.len() {
        0 => Err(Pkcs11Error::TokenNotFound { wanted, seen }),
        1 => Ok(matching.remove(0)),
        count => Err(Pkcs11Error::AmbiguousToken {
            wanted,
            count,
            labels: matching
                .iter()
                .map(|t| format!("\"{}\" (slot-id={})", t.label, t.slot.id()))
                .collect(),
        }),
    }
}

fn check_library(ctx: &Pkcs11, uri: &Pkcs11Uri, path: &Path) -> Result<(), Pkcs11Error> {
    if uri.library_manufacturer.is_none()
        && uri.library_description.is_none()
        && uri.library_version.is_none()
    {
        return Ok(());
    }
    let info = ctx
        .get_library_info()
        .map_err(|e| token_error("C_GetInfo", e))?;
    let mismatch = |detail: String| Pkcs11Error::LibraryMismatch {
        path: path.to_path_buf(),
        detail,
    };
    if let Some(want) = &uri.library_manufacturer
        && want != info.manufacturer_id().trim_end()
    {
        return Err(mismatch(format!(
            "library-manufacturer \"{want}\", module says \"{}\"",
            info.manufacturer_id().trim_end()
        )));
    }
    if let Some(want) = &uri.library_description
        && want != info.library_description().trim_end()
    {
        return Err(mismatch(format!(
            "library-description \"{want}\", module says \"{}\"",
            info.library_description().trim_end()
        )));
    }
    if let Some((major, minor)) = uri.library_version {
        let have = info.library_version();
        if (have.major(), have.minor()) != (major, minor) {
            return Err(mismatch(format!(
                "library-version {major}.{minor}, module says {}.{}",
                have.major(),
                have.minor()
            )));
        }
    }
    Ok(())
}

/// `token="Root CA", slot-id=3`, or `any token` for a URI without token attributes.
fn describe_token_query(uri: &Pkcs11Uri) -> String {
    let mut parts = Vec::new();
    for (name, value) in [
        ("token", &uri.token),
        ("manufacturer", &uri.manufacturer),
        ("serial", &uri.serial),
        ("model", &uri.model),
        ("slot-description", &uri.slot_description),
        ("slot-manufacturer", &uri.slot_manufacturer),
    ] {
        if let Some(value) = value {
            parts.push(format!("{name}=\"{value}\""));
        }
    }
    if let Some(id) = uri.slot_id {
        parts.push(format!("slot-id={id}"));
    }
    if parts.is_empty() {
        "any token".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Opens a session on the token and logs the user in when the token needs it, with the PIN
/// from `pin-source` or else from the callback. `read_write` for key generation.
pub(crate) fn open_session(
    ctx: &Pkcs11,
    token: &FoundToken,
    uri: &Pkcs11Uri,
    pin: PinCallback<'_>,
    read_write: bool,
) -> Result<Session, Pkcs11Error> {
    let session = if read_write {
        ctx.open_rw_session(token.slot)
    } else {
        ctx.open_ro_session(token.slot)
    }
    .map_err(|e| token_error("C_OpenSession", e))?;
    if !token.login_required {
        return Ok(session);
    }
    let pin = match &uri.pin_source {
        Some(PinSource::File(path)) => read_pin_file(path)?,
        None => pin(&token.label).ok_or_else(|| Pkcs11Error::PinRequired {
            token: token.label.clone(),
        })?,
    };
    let auth = AuthPin::from(pin.as_str().to_owned());
    match session.login(UserType::User, Some(&auth)) {
        // Login state is per token and application: another key of this process is in.
        Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(session),
        Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => Err(Pkcs11Error::WrongPin {
            token: token.label.clone(),
        }),
        Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(Pkcs11Error::PinLocked {
            token: token.label.clone(),
        }),
        Err(e) => Err(token_error("C_Login", e)),
    }
}

/// The first line of the file, without its line end (RFC 7512 §2.3 `pin-source`).
fn read_pin_file(path: &Path) -> Result<Zeroizing<String>, Pkcs11Error> {
    let unreadable = |reason: &str| Pkcs11Error::PinSourceUnreadable {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| unreadable(&e.to_string()))?);
    let text = core::str::from_utf8(&bytes).map_err(|_| unreadable("not UTF-8"))?;
    let first = text.lines().next().unwrap_or("");
    if first.is_empty() {
        return Err(unreadable("the first line is empty"));
    }
    Ok(Zeroizing::new(first.to_owned()))
}
