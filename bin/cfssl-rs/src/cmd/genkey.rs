//! `cfssl-rs genkey [-initca] CSRJSON` (docs/cfssl-compat.md §1.7.3): a key and its CSR, or with
//! `-initca` a whole root CA.

use super::support::{in_input, key_and_csr, print_output, read_request};
use super::{CliError, Command, Context, gencert};
use crate::usage;

/// The `genkey` command.
pub static COMMAND: Command = Command {
    name: "genkey",
    help: &usage::GENKEY,
    run,
};

fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let name = ctx.pop_one_positional()?;
    let request = read_request(ctx, &name)?;
    if ctx.flags.get_bool("initca") {
        return gencert::init_ca(ctx, &request);
    }
    if request.ca.is_some() {
        return Err(cfssl_csr::CsrError::CaNotPermitted.into());
    }
    crate::info!("generate received request");
    let (key, csr) = key_and_csr(&request).map_err(in_input("the request", &name))?;
    print_output(ctx, None, Some(csr.pem), Some(&key))
}
