//! The namespaces of the messages XUA reads: SAML assertions, XML-DSig and the SOAP
//! envelopes that carry them.

pub(crate) const SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub(crate) const SAML1: &str = "urn:oasis:names:tc:SAML:1.0:assertion";
pub(crate) const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub(crate) const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
pub(crate) const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
