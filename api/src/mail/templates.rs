//! The texts of the mails, in Italian: the recipients are Italian public staff.

pub struct Text {
    pub subject: String,
    pub body: String,
}

fn link(public_url: &str, page: &str, token: &str) -> String {
    format!("{}/{page}?token={token}", public_url.trim_end_matches('/'))
}

pub fn activation(public_url: &str, token: &str, role: &str) -> Text {
    let url = link(public_url, "attivazione", token);
    Text {
        subject: "Navigator Ops: attiva il tuo account".to_owned(),
        body: format!(
            "Buongiorno,\n\nè stato creato per te un account Navigator Ops con ruolo «{role}».\n\
             Per attivarlo e scegliere la password apri questo link entro 7 giorni:\n\n{url}\n\n\
             Se non ti aspettavi questo messaggio puoi ignorarlo.\n\n-- \nNavigator Ops\n"
        ),
    }
}

pub fn password_reset(public_url: &str, token: &str) -> Text {
    let url = link(public_url, "reimposta-password", token);
    Text {
        subject: "Navigator Ops: reimposta la password".to_owned(),
        body: format!(
            "Buongiorno,\n\nè stata chiesta una nuova password per il tuo account Navigator Ops.\n\
             Per sceglierla apri questo link entro un'ora:\n\n{url}\n\n\
             Se non l'hai chiesta tu, ignora questo messaggio: la password attuale resta valida.\n\n-- \nNavigator Ops\n"
        ),
    }
}

pub fn offer(
    public_url: &str,
    token: &str,
    selection: &str,
    province: &str,
    deadline: &str,
) -> Text {
    let url = link(public_url, "offerta", token);
    Text {
        subject: format!("{selection}: proposta di incarico come Navigator ({province})"),
        body: format!(
            "Buongiorno,\n\nin base alla graduatoria della selezione «{selection}» Le proponiamo \
             l'incarico di Navigator per la provincia di {province}.\n\n\
             Per accettare o rinunciare apra questo link entro il {deadline}:\n\n{url}\n\n\
             Senza risposta entro quella data la proposta decade e si procede con lo scorrimento della graduatoria.\n\n\
             -- \nANPAL Servizi - Navigator Ops\n"
        ),
    }
}

/// The Navigator's question has its answer. The answer itself stays in the
/// app, behind the sign-in: a mail may be read by whoever sees the inbox.
pub fn question_answered(public_url: &str, topic: &str, asked_on: &str) -> Text {
    let url = format!("{}/app/", public_url.trim_end_matches('/'));
    Text {
        subject: "Question RdC: la tua domanda ha una risposta".to_owned(),
        body: format!(
            "Buongiorno,\n\nun esperto di ANPAL Servizi ha risposto alla domanda che hai inviato \
             il {asked_on} sull'argomento «{topic}».\n\
             Puoi leggere la risposta nella sezione Domande dell'app:\n\n{url}\n\n-- \nNavigator Ops\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_token_in_the_query() {
        let t = activation("https://navigator.example.it/", "abc", "coordinator");
        assert!(t
            .body
            .contains("https://navigator.example.it/attivazione?token=abc"));
        let t = password_reset("http://127.0.0.1:8080", "xyz");
        assert!(t
            .body
            .contains("http://127.0.0.1:8080/reimposta-password?token=xyz"));
    }
}
