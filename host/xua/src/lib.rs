//! XUA: SAML 2.0 assertions in `wsse:Security`, verified and read into attributes.

mod c14n;
mod dom;
