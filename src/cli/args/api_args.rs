//! The options of `api`, named as `gh api` names them.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use super::profile_names;

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// Profile
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
    /// Relative to the instance's API base (invoices: https://INSTANCE/api/invoices for Coupa,
    /// /api/now for ServiceNow), from the instance's root (/api/invoices), or a full URL on the
    /// instance's host; any other host is refused
    pub path: String,
    /// The HTTP method [default: GET, or POST with fields or --input]
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,
    /// A string field, KEY=VALUE (repeatable; KEY[]=VALUE for arrays): the query of a GET, else
    /// a JSON body
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,
    /// A typed field: true, false, null and numbers as JSON, @FILE the file's text, anything
    /// else a string
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// The request body from a file, or - for stdin
    #[arg(long, value_name = "FILE", conflicts_with_all = ["raw_fields", "fields"])]
    pub input: Option<PathBuf>,
    /// A request header, "NAME: VALUE" (repeatable) [default: Accept: application/json]
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Print the status line and the response headers before the body
    #[arg(short = 'i', long)]
    pub include: bool,
    /// Follow every page of a list, as the provider pages it (Coupa: offset and limit, 50 a
    /// page; ServiceNow and others: the Link header), and print one JSON array of every record
    #[arg(long)]
    pub paginate: bool,
    /// With --paginate: one record per line instead of one array
    #[arg(long, requires = "paginate")]
    pub json_lines: bool,
    /// Filter the answer (with --paginate, each record) with a jq expression; strings come out
    /// raw
    #[arg(long, value_name = "EXPR")]
    pub jq: Option<String>,
    /// The most a rate limit (429 with Retry-After or a reset time) may make this run wait in
    /// all, e.g. 30s, 5m
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    pub max_wait: Duration,
    /// How long the token must stay valid when the request is sent
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    pub min_valid: Duration,
}

pub const API_EXAMPLES: &str =
    "Exit codes as token's, and 7 when the API answers an error (HTTP 4xx or 5xx, or a
GraphQL answer that carries errors); the answer is still printed.

Examples:
  oauth-setup api acme 'currencies?limit=1'
  oauth-setup api acme invoices --paginate --jq '.[] | .id'
  oauth-setup api acme /api/suppliers -f name=Acme -X POST
  oauth-setup api acme graphql -f query='{ suppliers(first: 1) { id } }'
  oauth-setup api snow table/incident -f sysparm_query=active=true --paginate --json-lines";
