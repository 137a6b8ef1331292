#pragma once

#include "common/settingssources.h"

#include <QCommandLineParser>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <functional>
#include <utility>

namespace herald {

// One face's settings as data: each row holds a variable, its aliases, the flag and config-file
// key, the help text, the secret mask and how the value is applied and shown, so --help, parsing
// (config file < environment < flags), errors and --print-config all come from the same rows.
template <typename Config> class SettingsTable
{
public:
    using Apply = std::function<QString(Config &, const QString &value)>; // returns "" or what was expected
    using Show = std::function<QString(const Config &)>;

    struct Setting
    {
        QString name;        // canonical variable (HERALD_*); empty: no variable
        QStringList aliases; // other variables accepted as they are (the seeds' names)
        QString key;         // --flag and config-file key; empty: a variable only
        QString help;
        bool secret = false; // a value never shown in errors (show() masks it itself)
        Apply apply;
        Show show;                                   // empty: not in --print-config
        QString valueName = QStringLiteral("VALUE"); // empty: a switch (--from-beginning), applied as "true"
        QString shortFlag;                           // one letter: -t
        bool inFile = true;                          // false: no config-file key, the flag only
        bool required = false;
        std::function<QString(const QString &)> mask; // a value as errors show it, its secret part hidden
        // Repeatable flag (-H A -H B): every value of one source at once, instead of apply.
        std::function<QString(Config &, const QStringList &values)> applyList;

        Setting &withValueName(const QString &text)
        {
            valueName = text;
            return *this;
        }
        Setting &asSwitch()
        {
            valueName.clear();
            return *this;
        }
        Setting &withShortFlag(const QString &letter)
        {
            shortFlag = letter;
            return *this;
        }
        Setting &notInFile()
        {
            inFile = false;
            return *this;
        }
        Setting &asRequired()
        {
            required = true;
            return *this;
        }
        Setting &withMask(std::function<QString(const QString &)> function)
        {
            mask = std::move(function);
            return *this;
        }
        Setting &repeatable(std::function<QString(Config &, const QStringList &)> function)
        {
            applyList = std::move(function);
            return *this;
        }
    };

    static Setting row(QString name, QStringList aliases, QString key, QString help, Apply apply, Show show, bool secret = false)
    {
        Setting setting;
        setting.name = std::move(name);
        setting.aliases = std::move(aliases);
        setting.key = std::move(key);
        setting.help = std::move(help);
        setting.secret = secret;
        setting.apply = std::move(apply);
        setting.show = std::move(show);
        return setting;
    }

    // A function add(name, aliases, key, help, apply, show[, secret]) that appends a row to
    // `rows` and returns it, for building a table row by row.
    static auto appender(QList<Setting> &rows)
    {
        return [&rows](QString name, QStringList aliases, QString key, QString help, Apply apply, Show show,
                       bool secret = false) -> Setting & {
            rows.append(row(std::move(name), std::move(aliases), std::move(key), std::move(help), std::move(apply),
                            std::move(show), secret));
            return rows.last();
        };
    }

    explicit SettingsTable(QList<Setting> rows)
        : m_rows(std::move(rows))
    {
    }

    // A JSON config file named by --flag or the variable; remember receives its path.
    void setConfigFile(const QString &flag, const QString &variable, std::function<void(Config &, const QString &)> remember)
    {
        m_fileFlag = flag;
        m_fileVariable = variable;
        m_rememberFile = std::move(remember);
    }
    // Checks across rows, run after every source was applied; returns "" or the error.
    void setCheck(std::function<QString(const Config &)> check) { m_check = std::move(check); }
    void setPrintConfigOption(bool enabled) { m_printConfigOption = enabled; }

    const QList<Setting> &rows() const { return m_rows; }

    // Flags for every row with a key; rows with only a variable are listed after the application
    // description (QCommandLineParser's one place for free text), so set the description first.
    void addOptions(QCommandLineParser &parser) const
    {
        const QString environmentOnly = environmentOnlyHelp();
        if (!environmentOnly.isEmpty())
            parser.setApplicationDescription(parser.applicationDescription() + environmentOnly);
        for (const Setting &setting : m_rows) {
            if (setting.key.isEmpty())
                continue;
            QStringList names{setting.key};
            if (!setting.shortFlag.isEmpty())
                names.prepend(setting.shortFlag);
            parser.addOption({names, helpText(setting), setting.valueName});
        }
        if (!m_fileFlag.isEmpty())
            parser.addOption({m_fileFlag, QStringLiteral("JSON config file; keys as the flags' names [%1].").arg(m_fileVariable),
                              QStringLiteral("FILE")});
        if (m_printConfigOption)
            parser.addOption(
                {QStringLiteral("print-config"), QStringLiteral("Print the effective configuration (secrets masked) and exit.")});
    }

    // Config file, then environment (aliases before the canonical name, so it wins), then flags:
    // the last source wins. Returns "" or an error naming the variable, key or flag the user set
    // (a flag with its variable: "--retries (HERALD_RETRIES)").
    QString load(const QCommandLineParser &parser, const QHash<QString, QString> &environment, Config *config) const
    {
        QString file;
        QJsonObject fileValues;
        if (!m_fileFlag.isEmpty()) {
            file = parser.value(m_fileFlag);
            if (file.isEmpty())
                file = environment.value(m_fileVariable);
        }
        if (!file.isEmpty()) {
            const QString error = SettingsSources::readFile(file, fileKeys(), &fileValues);
            if (!error.isEmpty())
                return error;
            if (m_rememberFile)
                m_rememberFile(*config, file);
        }
        for (const Setting &setting : m_rows) {
            bool set = false;
            QString error;
            if (setting.inFile && !setting.key.isEmpty() && fileValues.contains(setting.key)) {
                set = true;
                error = applyValues(setting, QStringLiteral("config file %1, key \"%2\"").arg(file, setting.key),
                                    {SettingsSources::fileText(fileValues.value(setting.key))}, config);
            }
            QStringList names = setting.aliases;
            if (!setting.name.isEmpty())
                names.append(setting.name);
            for (const QString &name : names) {
                if (!error.isEmpty() || !environment.contains(name))
                    continue;
                set = true;
                const QString source = name == setting.name ? name : QStringLiteral("%1 (alias of %2)").arg(name, setting.name);
                error = applyValues(setting, source, {environment.value(name)}, config);
            }
            if (error.isEmpty() && !setting.key.isEmpty() && parser.isSet(setting.key)) {
                set = true;
                const QString source = setting.name.isEmpty() ? QStringLiteral("--%1").arg(setting.key)
                                                              : QStringLiteral("--%1 (%2)").arg(setting.key, setting.name);
                error = applyValues(setting, source, flagValues(parser, setting), config);
            }
            if (!error.isEmpty())
                return error;
            if (setting.required && !set)
                return setting.name.isEmpty() ? QStringLiteral("--%1 is required").arg(setting.key)
                                              : QStringLiteral("--%1 (%2) is required").arg(setting.key, setting.name);
        }
        return m_check ? m_check(*config) : QString();
    }

    // Values applied before every source (a compatibility mode's defaults), each named by its
    // row's canonical variable; `origin` says where they come from in an error.
    QString applyDefaults(const QList<QPair<QString, QString>> &defaults, const QString &origin, Config *config) const
    {
        for (const auto &entry : defaults) {
            const auto row = std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const Setting &s) { return s.name == entry.first; });
            if (row == m_rows.cend())
                return QStringLiteral("%1: no setting %2").arg(origin, entry.first);
            const QString error = applyValues(*row, QStringLiteral("%1 default %2").arg(origin, entry.first), {entry.second},
                                              config);
            if (!error.isEmpty())
                return error;
        }
        return {};
    }

    // NAME=value per row, in table order, secrets masked by each row's show().
    QString printConfig(const Config &config) const
    {
        QString text;
        for (const Setting &setting : m_rows) {
            if (setting.show)
                text += QStringLiteral("%1=%2\n").arg(setting.name.isEmpty() ? QStringLiteral("--") + setting.key : setting.name,
                                                      setting.show(config));
        }
        return text;
    }

private:
    static QString helpText(const Setting &setting)
    {
        if (setting.name.isEmpty())
            return setting.help;
        QString help = setting.help + QStringLiteral(" [%1").arg(setting.name);
        if (!setting.aliases.isEmpty())
            help += QStringLiteral(", or %1").arg(setting.aliases.join(QStringLiteral(", ")));
        return help + QLatin1Char(']');
    }

    // "\n\nEnvironment variables without a flag:\n  NAME  help..." or "" when every row has a flag.
    QString environmentOnlyHelp() const
    {
        QStringList names;
        QStringList helps;
        qsizetype width = 0;
        for (const Setting &setting : m_rows) {
            if (!setting.key.isEmpty() || setting.name.isEmpty())
                continue;
            QString name = setting.name;
            if (!setting.aliases.isEmpty())
                name += QStringLiteral(" (or %1)").arg(setting.aliases.join(QStringLiteral(", ")));
            width = std::max(width, name.size());
            names.append(name);
            helps.append(setting.help);
        }
        if (names.isEmpty())
            return {};
        // Wrapped at 79 columns under a hanging indent, as QCommandLineParser lays out the options.
        const qsizetype indent = 2 + width + 2;
        QString text = QStringLiteral("\n\nEnvironment variables without a flag:");
        for (qsizetype i = 0; i < names.size(); ++i) {
            QString line = QStringLiteral("  ") + names.at(i).leftJustified(width) + QStringLiteral("  ");
            qsizetype column = indent;
            for (const QString &word : helps.at(i).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
                if (column > indent && column + 1 + word.size() > 79) {
                    line += QLatin1Char('\n') + QString(indent, QLatin1Char(' '));
                    column = indent;
                } else if (column > indent) {
                    line += QLatin1Char(' ');
                    ++column;
                }
                line += word;
                column += word.size();
            }
            text += QLatin1Char('\n') + line;
        }
        return text;
    }

    static QStringList flagValues(const QCommandLineParser &parser, const Setting &setting)
    {
        if (setting.valueName.isEmpty())
            return {QStringLiteral("true")};
        if (setting.applyList)
            return parser.values(setting.key);
        return {parser.value(setting.key)};
    }

    static QString applyValues(const Setting &setting, const QString &source, const QStringList &values, Config *config)
    {
        const QString error = setting.applyList ? setting.applyList(*config, values) : setting.apply(*config, values.first());
        if (error.isEmpty())
            return {};
        QStringList shown;
        for (const QString &value : values)
            shown.append(setting.secret ? QStringLiteral("(secret)")
                                        : QStringLiteral("'%1'").arg(setting.mask ? setting.mask(value) : value));
        // A parser's error may start with the value it refuses ("'ftp://x' uses scheme 'ftp'"): then
        // that names it, once, and for a repeatable flag names the one value that is wrong.
        for (const QString &value : shown) {
            if (error.startsWith(value))
                return QStringLiteral("%1: %2").arg(source, error);
        }
        return QStringLiteral("%1: %2 %3").arg(source, shown.join(QStringLiteral(", ")), error);
    }

    QStringList fileKeys() const
    {
        QStringList keys;
        for (const Setting &setting : m_rows) {
            if (setting.inFile && !setting.key.isEmpty())
                keys.append(setting.key);
        }
        return keys;
    }

    QList<Setting> m_rows;
    QString m_fileFlag;
    QString m_fileVariable;
    std::function<void(Config &, const QString &)> m_rememberFile;
    std::function<QString(const Config &)> m_check;
    bool m_printConfigOption = true;
};

} // namespace herald
