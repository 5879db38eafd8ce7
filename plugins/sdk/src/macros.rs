//! The registration macros: each makes a type implementing one of the SDK's capability
//! traits this component's export of that capability. The generated glue (wit-bindgen's
//! `Guest` impl and export macro) stays inside the expansion.
//!
//! The export exists only when building the component, so the adapter crate also builds
//! and unit-tests natively; there the macro only checks the trait bound.

/// Register a type implementing [`xcpd::PatientDiscovery`](crate::xcpd::PatientDiscovery)
/// as this component's `patient-discovery` export (ITI-55).
#[macro_export]
macro_rules! register_patient_discovery {
    ($ty:ty) => {
        #[cfg(target_family = "wasm")]
        const _: () = {
            struct Export;
            impl $crate::__private::xcpd::exports::xcgate::adapter::patient_discovery::Guest
                for Export
            {
                fn discover_patients(
                    ctx: $crate::CallContext,
                    query: $crate::xcpd::PatientQuery,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<$crate::xcpd::PatientMatch>,
                    $crate::AdapterError,
                > {
                    <$ty as $crate::xcpd::PatientDiscovery>::discover_patients(ctx, query)
                }
            }
            $crate::__private::xcpd::export_patient_discovery!(Export with_types_in $crate::__private::xcpd);
        };
        const _: fn() = || {
            fn implements<T: $crate::xcpd::PatientDiscovery>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing [`xca_query::DocumentQuery`](crate::xca_query::DocumentQuery)
/// as this component's `document-query` export (ITI-38).
#[macro_export]
macro_rules! register_document_query {
    ($ty:ty) => {
        #[cfg(target_family = "wasm")]
        const _: () = {
            struct Export;
            impl $crate::__private::query::exports::xcgate::adapter::document_query::Guest
                for Export
            {
                fn find(
                    ctx: $crate::CallContext,
                    request: $crate::xca_query::QueryRequest,
                ) -> ::core::result::Result<$crate::xca_query::QueryResponse, $crate::AdapterError>
                {
                    <$ty as $crate::xca_query::DocumentQuery>::find(ctx, request)
                }
            }
            $crate::__private::query::export_document_query!(Export with_types_in $crate::__private::query);
        };
        const _: fn() = || {
            fn implements<T: $crate::xca_query::DocumentQuery>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing
/// [`xca_retrieve::DocumentRetrieve`](crate::xca_retrieve::DocumentRetrieve) as this
/// component's `document-retrieve` export (ITI-39).
#[macro_export]
macro_rules! register_document_retrieve {
    ($ty:ty) => {
        #[cfg(target_family = "wasm")]
        const _: () = {
            struct Export;
            impl $crate::__private::retrieve::exports::xcgate::adapter::document_retrieve::Guest
                for Export
            {
                fn retrieve(
                    ctx: $crate::CallContext,
                    requests: ::std::vec::Vec<$crate::xca_retrieve::DocumentRequest>,
                ) -> ::core::result::Result<
                    $crate::xca_retrieve::RetrieveResponse,
                    $crate::AdapterError,
                > {
                    <$ty as $crate::xca_retrieve::DocumentRetrieve>::retrieve(ctx, requests)
                }
            }
            $crate::__private::retrieve::export_document_retrieve!(Export with_types_in $crate::__private::retrieve);
        };
        const _: fn() = || {
            fn implements<T: $crate::xca_retrieve::DocumentRetrieve>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing [`plq::PatientLocator`](crate::plq::PatientLocator) as this
/// component's `patient-location` export (ITI-56).
#[macro_export]
macro_rules! register_patient_location {
    ($ty:ty) => {
        #[cfg(target_family = "wasm")]
        const _: () = {
            struct Export;
            impl $crate::__private::location::exports::xcgate::adapter::patient_location::Guest
                for Export
            {
                fn locate_patient(
                    ctx: $crate::CallContext,
                    requested: $crate::InstanceId,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<$crate::plq::PatientLocation>,
                    $crate::AdapterError,
                > {
                    <$ty as $crate::plq::PatientLocator>::locate_patient(ctx, requested)
                }
            }
            $crate::__private::location::export_patient_location!(Export with_types_in $crate::__private::location);
        };
        const _: fn() = || {
            fn implements<T: $crate::plq::PatientLocator>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing
/// [`settings_check::SettingsCheck`](crate::settings_check::SettingsCheck) as this
/// component's `settings-check` export: the host runs it at start-up, reload and
/// `check-config`.
#[macro_export]
macro_rules! register_settings_check {
    ($ty:ty) => {
        #[cfg(target_family = "wasm")]
        const _: () = {
            struct Export;
            impl $crate::__private::settings_check::exports::xcgate::adapter::settings_check::Guest
                for Export
            {
                fn check_settings() -> ::std::vec::Vec<$crate::settings_check::SettingProblem> {
                    <$ty as $crate::settings_check::SettingsCheck>::check_settings()
                }
            }
            $crate::__private::settings_check::export_settings_check!(Export with_types_in $crate::__private::settings_check);
        };
        const _: fn() = || {
            fn implements<T: $crate::settings_check::SettingsCheck>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing [`deferred::DeferredDiscovery`](crate::deferred::DeferredDiscovery)
/// as this component's `deferred-discovery` export (ITI-55 answered later, since 0.6.0).
/// Register the same type with [`register_patient_discovery!`](crate::register_patient_discovery)
/// too: synchronous requests are answered through it.
#[macro_export]
macro_rules! register_deferred_discovery {
    ($ty:ty) => {
        #[cfg(target_family = "wasm")]
        const _: () = {
            struct Export;
            impl $crate::__private::deferred::exports::xcgate::adapter::deferred_discovery::Guest
                for Export
            {
                fn start_discovery(
                    ctx: $crate::CallContext,
                    query: $crate::xcpd::PatientQuery,
                ) -> ::core::result::Result<$crate::deferred::Discovery, $crate::AdapterError> {
                    <$ty as $crate::deferred::DeferredDiscovery>::start_discovery(ctx, query)
                }
                fn poll_discovery(
                    ctx: $crate::CallContext,
                    token: ::std::string::String,
                ) -> ::core::result::Result<
                    ::core::option::Option<::std::vec::Vec<$crate::xcpd::PatientMatch>>,
                    $crate::AdapterError,
                > {
                    <$ty as $crate::deferred::DeferredDiscovery>::poll_discovery(ctx, token)
                }
            }
            $crate::__private::deferred::export_deferred_discovery!(Export with_types_in $crate::__private::deferred);
        };
        const _: fn() = || {
            fn implements<T: $crate::deferred::DeferredDiscovery>() {}
            implements::<$ty>();
        };
    };
}
