//! `cfssl-rs genkey [-initca] CSRJSON` (docs/cfssl-compat.md §1.7.3): a key and its CSR, or with
//! `-initca` a whole root CA.

use cfssl_ca::CaError;

use super::support::{CliLog, in_input, print_output, read_request};
use super::{CliError, Context, gencert};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let name = ctx.args.pop_only()?;
    let request = read_request(ctx, &name)?;
    if ctx.flags.initca {
        return gencert::init_ca(ctx, request);
    }
    let new = cfssl_ca::genkey(&request, &mut CliLog).map_err(|e| match e {
        CaError::Request(e) => in_input("the request", &name)(e.into()),
        other => other.into(),
    })?;
    print_output(ctx, None, Some(new.csr.pem), Some(&new.key))
}
