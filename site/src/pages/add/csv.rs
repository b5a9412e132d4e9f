//! A CSV's way: announce, upload, follow the import (or the check) until it ends.

use super::*;

/// "Invite these N" after a check: a new import of the same stored file, followed to its end.
pub(super) fn invite_checked(
    ctx: AppContext,
    contract_id: String,
    check_id: String,
    progress: Callback<CsvProgress>,
    alive: Rc<Cell<bool>>,
) {
    progress.emit(CsvProgress::Announcing);
    yew::platform::spawn_local(async move {
        match ctx.api().invite_checked(&contract_id, &check_id).await {
            Ok(import) => {
                let import_id = import.id.clone();
                progress.emit(CsvProgress::Importing(import));
                follow_import(ctx, contract_id, import_id, progress, alive);
            }
            Err(e) => progress.emit(CsvProgress::Failed(ctx.check(e).to_string())),
        }
    });
}

/// Announce the import, PUT the file with progress, then follow the import until it ends.
pub(super) fn start_import(
    ctx: AppContext,
    contract_id: String,
    file: File,
    import: api::NewImport,
    progress: Callback<CsvProgress>,
    alive: Rc<Cell<bool>>,
) {
    progress.emit(CsvProgress::Announcing);
    yew::platform::spawn_local(async move {
        let announced = match ctx
            .api()
            .announce_import(&contract_id, &file.name(), file.size() as u64, import)
            .await
        {
            Ok(a) => a,
            Err(e) => {
                progress.emit(CsvProgress::Failed(ctx.check(e).to_string()));
                return;
            }
        };
        let import_id = announced.import.id.clone();
        let on_event = {
            let progress = progress.clone();
            Callback::from(move |event: UploadEvent| match event {
                UploadEvent::Progress { sent, total } if total > 0.0 => {
                    progress.emit(CsvProgress::Uploading(
                        (sent * 100.0 / total).clamp(0.0, 100.0) as u8,
                    ));
                }
                UploadEvent::Progress { .. } => {}
                UploadEvent::Finished => {
                    progress.emit(CsvProgress::Importing(announced.import.clone()));
                    follow_import(
                        ctx.clone(),
                        contract_id.clone(),
                        import_id.clone(),
                        progress.clone(),
                        alive.clone(),
                    );
                }
                UploadEvent::Failed(message) => progress.emit(CsvProgress::Failed(message)),
            })
        };
        progress.emit(CsvProgress::Uploading(0));
        let upload = &announced.upload;
        if let Err(message) = upload::put_file(
            &upload.url,
            &upload.method,
            &upload.content_type,
            &file,
            on_event,
        ) {
            progress.emit(CsvProgress::Failed(message));
        }
    });
}

pub(super) fn follow_import(
    ctx: AppContext,
    contract_id: String,
    import_id: String,
    progress: Callback<CsvProgress>,
    alive: Rc<Cell<bool>>,
) {
    yew::platform::spawn_local(async move {
        let mut failures = 0;
        // Quick polls while the import starts (so no line stays old for a second), then one a
        // second.
        let mut polls = 0u32;
        while alive.get() {
            polls += 1;
            gloo_timers::future::TimeoutFuture::new(if polls <= 4 { 250 } else { 1_000 }).await;
            match ctx.api().import(&contract_id, &import_id).await {
                Ok(import) if import.is_finished() => {
                    progress.emit(CsvProgress::Finished(import));
                    return;
                }
                Ok(import) => progress.emit(CsvProgress::Importing(import)),
                // A dropped poll is retried; several in a row are reported.
                Err(e) if failures < 3 && !e.is_unauthenticated() => failures += 1,
                Err(e) => {
                    progress.emit(CsvProgress::Failed(format!(
                        "Could not follow the import: {}. Its result will be on the Imports tab.",
                        ctx.check(e)
                    )));
                    return;
                }
            }
        }
    });
}
