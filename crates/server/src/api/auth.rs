//! `authsign`'s check (docs/cfssl-lifecycle.md §8): the body is an authenticated request
//! whose `token` must be HMAC-SHA-256 of the `request` bytes under the profile's
//! `auth_key` (or its `prev_auth_key`). The token and the wire formats are cfssl-api's.

use cfssl_api::auth::{AuthenticatedRequest, verify};
use cfssl_api::sign::ApiSignRequest;

use super::State;
use super::reply::Failure;

/// A sign request as `sign` and the inner request of `authsign` carry it (cfssl-api's
/// reading; `hostname` wins over `hosts`). A client-chosen serial is refused: cfssl-rs
/// does not support profiles with `client_provides_serial_numbers`.
pub(crate) fn decode_sign_request(body: &[u8]) -> Result<ApiSignRequest, Failure> {
    ApiSignRequest::from_json(body).map_err(|e| Failure::bad_request(e.to_string()))
}

/// Checks an `authsign` body in cfssl's order and returns the inner sign request.
pub(crate) fn authenticate(
    state: &State,
    policy: &cfssl_ca::Config,
    body: &[u8],
) -> Result<ApiSignRequest, Failure> {
    let outer =
        AuthenticatedRequest::from_json(body).map_err(|e| Failure::bad_request(e.to_string()))?;
    let request = decode_sign_request(&outer.request)
        .map_err(|_| Failure::bad_request("Unable to parse authenticated sign request"))?;
    let profile = policy
        .signing
        .profiles
        .get(&request.profile)
        .unwrap_or(&policy.signing.default);
    let Some(key_name) = &profile.auth_key else {
        return Err(Failure::bad_request("no authentication provider"));
    };
    let keys = std::iter::once(key_name)
        .chain(profile.prev_auth_key.as_ref())
        .filter_map(|name| state.auth_keys.get(name));
    let mut valid = false;
    for key in keys {
        valid |= verify(key, &outer.request, &outer.token);
    }
    if !valid {
        return Err(Failure::bad_request("invalid token"));
    }
    Ok(request)
}
