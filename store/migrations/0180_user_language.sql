-- The language each user reads the console in (a BCP 47 tag such as
-- "pt-BR", or "ar-u-nu-arab" for Arabic with Arabic-Indic digits); ''
-- follows the console's default language (console_settings "language").
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
