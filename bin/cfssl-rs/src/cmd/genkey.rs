//! `cfssl-rs genkey [-initca] CSRJSON` (docs/cfssl-compat.md §1.7.3): a key and its CSR, or with
//! `-initca` a whole root CA.

use cfssl_ca::CaError;

use super::support::{CliLog, in_input, print_output, read_request};
use super::{CliError, Context, gencert};

/// Runs the command.
pub fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let name = ctx.args.pop_only()?;
    let request = read_request(ctx, &name)?;
    gencert::refuse_key_uri_conflicts(ctx)?;
    if ctx.flags.initca {
        gencert::refuse_unlinted_root(ctx)?;
        if !ctx.flags.key_uri.is_empty() {
            return gencert::init_ca_in_token(ctx, request);
        }
        return gencert::init_ca(ctx, request);
    }
    if !ctx.flags.key_uri.is_empty() {
        let uri = ctx.flags.key_uri.clone();
        let mut undo = super::token::NewKeyUndo::default();
        let (_key, csr) =
            cfssl_ca::new_key_and_csr_with(&request, |spec| undo.generate(&uri, spec), &mut CliLog)
                .map_err(|e| gencert::key_uri_error(e, &name))?;
        print_output(ctx, None, Some(csr.pem), None)?;
        undo.keep();
        return Ok(());
    }
    let new = cfssl_ca::genkey(&request, &mut CliLog).map_err(|e| match e {
        CaError::Request(e) => in_input("the request", &name)(e.into()),
        other => other.into(),
    })?;
    print_output(ctx, None, Some(new.csr.pem), Some(&new.key))
}
