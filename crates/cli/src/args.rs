//! The positional arguments of a command, taken in order with cfssl's messages
//! (cfssl `cli.PopFirstArgument` and the commands' own checks, docs/cfssl-compat.md §1.1).

use crate::CliError;

/// cfssl `cli.PopFirstArgument`'s message.
pub const NOT_ENOUGH_ARGUMENTS: &str =
    "not enough arguments are supplied --- please refer to the usage";
/// Message of `gencert`/`genkey`/`gencsr` for a second positional.
pub const ONLY_ONE_ARGUMENT: &str = "only one argument is accepted, please check with usage";
/// Message of `sign`/`selfsign` for surplus positionals.
pub const TOO_MANY_ARGUMENTS: &str = "too many arguments are provided, please check with usage";

/// The positional arguments not consumed yet, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Positionals(Vec<String>);

impl From<Vec<String>> for Positionals {
    fn from(args: Vec<String>) -> Self {
        Positionals(args)
    }
}

impl Positionals {
    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The positionals not consumed yet, without consuming them (a transcript records the
    /// files they name before the command reads them).
    pub fn remaining(&self) -> &[String] {
        &self.0
    }

    /// Removes and returns the first, if any (an optional argument).
    pub fn pop_optional(&mut self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }

    /// Removes and returns the first (cfssl `cli.PopFirstArgument`).
    ///
    /// # Errors
    /// `not enough arguments are supplied --- please refer to the usage`.
    pub fn pop(&mut self) -> Result<String, CliError> {
        self.pop_optional()
            .ok_or_else(|| CliError::Usage(NOT_ENOUGH_ARGUMENTS.to_owned()))
    }

    /// Pops the one positional a command takes (`gencert`, `genkey`, `gencsr`).
    ///
    /// # Errors
    /// None left: `not enough arguments…`; more than one: `only one argument is accepted,
    /// please check with usage`.
    pub fn pop_only(&mut self) -> Result<String, CliError> {
        let arg = self.pop()?;
        if !self.0.is_empty() {
            return Err(CliError::Usage(ONLY_ONE_ARGUMENT.to_owned()));
        }
        Ok(arg)
    }

    /// Fails if positionals remain (`sign`, `selfsign`).
    ///
    /// # Errors
    /// `too many arguments are provided, please check with usage`.
    pub fn reject_extra(&self) -> Result<(), CliError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CliError::Usage(TOO_MANY_ARGUMENTS.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_in_order_with_cfssls_messages() {
        let mut args = Positionals::from(vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(
            args.reject_extra(),
            Err(CliError::Usage(TOO_MANY_ARGUMENTS.into()))
        );
        assert_eq!(
            args.clone().pop_only(),
            Err(CliError::Usage(ONLY_ONE_ARGUMENT.into()))
        );
        assert_eq!(args.pop(), Ok("a".into()));
        assert_eq!(args.pop_only(), Ok("b".into()));
        assert_eq!(
            args.pop(),
            Err(CliError::Usage(NOT_ENOUGH_ARGUMENTS.into()))
        );
        assert_eq!(args.pop_optional(), None);
        assert_eq!(args.reject_extra(), Ok(()));
    }
}
