//! Words that mark a field as taking a password or a one-time code, in the
//! languages platforms' sign-in pages use. Rules never type into such a
//! field: the lint warns on a locator that names one, and `fill` checks the
//! element itself at run time (its type, `autocomplete` and name).

use std::sync::LazyLock;

use regex::Regex;

/// The pattern, usable both here and, with the `i` flag, in the page's
/// JavaScript (plain alternation: the same syntax in both engines).
pub const SECRET_WORDS: &str = concat!(
    r"pass(word|code|phrase|wort)|kennwort|\bpin\b|one[- ]time|\botp\b|\b2fa\b|\bmfa\b|totp|secret|security code|",
    r"verification code|authenticat|mot de passe|contrase|senha|wachtwoord|parola|has[lł]o|heslo|",
    r"l[oö]senord|adgangskode|passord|salasana|jelsz|[sş]ifre|пароль|код подтверждения|密码|密碼|",
    r"パスワード|비밀번호|كلمة المرور|סיסמה|κωδικ|parol[aă]|geslo|lozinka|m[aậ]t kh[aẩ]u|kata sandi|",
    r"รหัสผ่าน|पासवर्ड|bestätigungscode|sicherheitscode|code de (vérification|sécurité)|",
    r"c[oó]digo de (verificaci[oó]n|seguridad)|codice di (verifica|sicurezza)|verificatiecode|c[oó]digo de verifica[cç][aã]o"
);

/// Does a field's name, label or locator text look like a password or
/// one-time-code field?
pub fn looks_secret(text: &str) -> bool {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!("(?i){SECRET_WORDS}")).expect("SECRET_WORDS is a valid regex"));
    RE.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_and_code_fields_in_many_languages() {
        for secret in [
            "Password",
            "Passwort",
            "Mot de passe",
            "Contraseña",
            "Senha",
            "Wachtwoord",
            "Hasło",
            "Пароль",
            "パスワード",
            "密码",
            "One-time code",
            "Verification code",
            "Enter your PIN",
            "Código de verificación",
            "input[type=password]",
            "#totp-field",
        ] {
            assert!(looks_secret(secret), "{secret}");
        }
        for plain in ["Display name", "Bio", "Search", "Pinterest board", "Spinner", "Company"] {
            assert!(!looks_secret(plain), "{plain}");
        }
    }

    #[test]
    fn the_pattern_is_one_javascript_accepts_too() {
        // No (?flags), lookaround or \p classes: JavaScript's RegExp takes it as is.
        assert!(!SECRET_WORDS.contains("(?"));
        assert!(!SECRET_WORDS.contains("\\p{"));
    }
}
