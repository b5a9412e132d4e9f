//! Add a person: name and address.

use super::*;

#[derive(Properties, PartialEq)]
pub struct AddPersonProps {
    pub form: AddForm,
    pub added: Option<String>,
    pub dispatch: Callback<PeopleAction>,
    pub on_add: Callback<NewPerson>,
}

/// Name and email; the server's refusal is shown at the field it is about.
#[component]
pub fn AddPerson(props: &AddPersonProps) -> Html {
    let f = &props.form;
    let onsubmit = {
        let (on_add, dispatch) = (props.on_add.clone(), props.dispatch.clone());
        let (name, email) = (f.name.clone(), f.email.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(refusal) = AddForm::missing(&name, &email) {
                dispatch.emit(PeopleAction::Refused(refusal));
                return;
            }
            on_add.emit(NewPerson {
                name: name.trim().to_owned(),
                email: email.trim().to_owned(),
            });
        })
    };
    let on_name = props.dispatch.reform(|e: InputEvent| {
        PeopleAction::EditName(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_email = props.dispatch.reform(|e: InputEvent| {
        PeopleAction::EditEmail(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let message = f.field_message().unwrap_or_default();
    let field_error = |id: &'static str, error: Option<&ApiError>| {
        error.map(|_| html! { <p class="field-error" id={id}>{message.clone()}</p> })
    };
    let name_error = f.name_error();
    let email_error = f.email_error();
    let invalid = |e: Option<&ApiError>| e.is_some().then_some("true");
    html! {
        <section class="add-person" aria-labelledby="add-person-heading">
            <h2 id="add-person-heading">{"Add a person"}</h2>
            <p class="hint" id="add-person-help">{"They get an email from the sign-in service with a temporary password, and can then be made an admin of learning contracts."}</p>
            <form {onsubmit} novalidate=true aria-describedby="add-person-help">
                <div class="field">
                    <label for="person-name">{"Name"}</label>
                    <input id="person-name" type="text" value={f.name.clone()} oninput={on_name}
                        autocomplete="off" required=true aria-invalid={invalid(name_error)}
                        aria-describedby={name_error.map(|_| "person-name-error")} />
                    {field_error("person-name-error", name_error)}
                </div>
                <div class="field">
                    <label for="person-email">{"Email address"}</label>
                    <input id="person-email" type="email" value={f.email.clone()} oninput={on_email}
                        autocomplete="off" required=true aria-invalid={invalid(email_error)}
                        aria-describedby={email_error.map(|_| "person-email-error")} />
                    {field_error("person-email-error", email_error)}
                </div>
                // One live region for every refusal, so each is announced once wherever it is shown.
                // (Shown here only when it is about neither field; theirs is under the field.)
                <div role="alert" id="add-person-alert">
                    if let Some(e) = &f.error {
                        <p class={if f.form_error().is_some() { "error" } else { "visually-hidden" }}>
                            <strong>{"Could not add the person. "}</strong>
                            {f.field_message().unwrap_or_else(|| e.to_string())}
                        </p>
                    }
                </div>
                <button type="submit" class="primary" id="add-person" disabled={f.working}>
                    {if f.working { "Adding…" } else { "Add person" }}
                </button>
            </form>
            if let Some(text) = &props.added {
                <Outcome text={text.clone()} id="add-person-outcome" />
            }
        </section>
    }
}
