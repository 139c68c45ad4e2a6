//! Renders reports and reads them back: text out of the PDF, XML out of the Word file, and the
//! QR codes through a real decoder.
mod docx;
mod package;
mod pdf;
mod qr;
mod sample;
mod tools;
