//! ATNA audit records (DICOM PS3.15 A.5) and their durable delivery.
