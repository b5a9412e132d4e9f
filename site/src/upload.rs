//! Putting a CSV file to its presigned URL. XMLHttpRequest rather than fetch, because only it
//! reports upload progress.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{File, ProgressEvent, XmlHttpRequest};
use yew::Callback;

#[derive(Debug, Clone, PartialEq)]
pub enum UploadEvent {
    /// Bytes sent so far, of the total.
    Progress {
        sent: f64,
        total: f64,
    },
    Finished,
    Failed(String),
}

/// Starts the upload; `on_event` hears progress and then exactly one of Finished or Failed.
pub fn put_file(
    url: &str,
    method: &str,
    content_type: &str,
    file: &File,
    on_event: Callback<UploadEvent>,
) -> Result<(), String> {
    let cannot = |_| "The browser could not start the upload.".to_owned();
    let xhr = XmlHttpRequest::new().map_err(cannot)?;
    xhr.open(method, url).map_err(cannot)?;
    xhr.set_request_header("Content-Type", content_type)
        .map_err(cannot)?;

    let progress = {
        let on_event = on_event.clone();
        Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() {
                on_event.emit(UploadEvent::Progress {
                    sent: e.loaded(),
                    total: e.total(),
                });
            }
        })
    };
    xhr.upload()
        .map_err(cannot)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));

    let done = {
        let on_event = on_event.clone();
        let xhr = xhr.clone();
        Closure::<dyn FnMut()>::new(move || {
            let status = xhr.status().unwrap_or(0);
            on_event.emit(if (200..300).contains(&status) {
                UploadEvent::Finished
            } else {
                UploadEvent::Failed(format!(
                    "The file could not be stored (the storage answered {status}). The upload link may have expired; please try again."
                ))
            });
        })
    };
    xhr.set_onload(Some(done.as_ref().unchecked_ref()));

    let failed = Closure::<dyn FnMut()>::new(move || {
        on_event.emit(UploadEvent::Failed(
            "The upload was interrupted. Check your connection and try again.".into(),
        ))
    });
    xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));

    xhr.send_with_opt_blob(Some(file)).map_err(cannot)?;
    // The handlers must outlive this call; the request holds them until it ends. One upload
    // leaks three small closures, which is fine for a user action.
    progress.forget();
    done.forget();
    failed.forget();
    Ok(())
}
