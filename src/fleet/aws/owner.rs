//! Every call about one function names it by its ARN, and the first read of a change checks
//! that the answer is that function, in its account: credentials of the wrong account reach a
//! namesake at most, and then the change stops before anything is sent.

use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;

use super::budget::Api;
use super::clients::Clients;
use super::errors::{classify, failed};
use crate::fleet::{FleetError, Function, account_of_arn, split_function_arn};

/// `GetFunctionConfiguration` of `function` (at `qualifier`, or `$LATEST`) by ARN, checked to
/// be the function the plan named.
pub async fn configuration(
    clients: &Clients,
    function: &Function,
    qualifier: Option<&str>,
) -> Result<GetFunctionConfigurationOutput, FleetError> {
    clients.turn(Api::LambdaControl).await;
    let out = clients
        .lambda
        .get_function_configuration()
        .function_name(&function.arn)
        .set_qualifier(qualifier.map(str::to_owned))
        .send()
        .await
        .map_err(|e| classify("lambda", "GetFunctionConfiguration", &e))?;
    same_function(function, out.function_arn())?;
    Ok(out)
}

/// Refuses an answer about another function than `function` (another account's namesake).
pub fn same_function(function: &Function, answered: Option<&str>) -> Result<(), FleetError> {
    let answered = answered
        .and_then(split_function_arn)
        .map(|(arn, _)| arn)
        .unwrap_or_default();
    if answered == function.arn {
        return Ok(());
    }
    Err(failed(
        "GetFunctionConfiguration",
        format!(
            "the credentials of {} reached {} (account {}), not {} (account {}): a namesake in another account, so nothing was sent; act through the profile of account {}",
            function.target,
            if answered.is_empty() {
                "an unnamed function"
            } else {
                answered.as_str()
            },
            account_of_arn(&answered).unwrap_or("?"),
            function.arn,
            function.account,
            function.account
        ),
    ))
}
