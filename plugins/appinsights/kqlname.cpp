#include "kqlname.h"

namespace Opsdeck::AppInsights {

Result<QString> KqlName::service(const QString &name)
{
    const auto bad = [&name](const QString &why) {
        return makeError(ErrorKind::Config, QStringLiteral("service name '%1' %2").arg(name, why),
                         QStringLiteral("A service name is a DNS-1123 label like 'orderservice' or 'order-api': "
                                        "lower-case letters, digits and '-', at most 63 characters."));
    };
    if (name.isEmpty())
        return bad(QStringLiteral("is empty"));
    if (name.size() > 63)
        return bad(QStringLiteral("is longer than 63 characters"));
    for (const QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-';
        if (!ok)
            return bad(QStringLiteral("contains '%1', which is not a lower-case letter, digit or '-'").arg(c));
    }
    if (name.startsWith(u'-') || name.endsWith(u'-'))
        return bad(QStringLiteral("starts or ends with '-'"));
    return name;
}

Result<QString> KqlName::track(const QString &name)
{
    if (name == u"stable" || name == u"canary")
        return name;
    return makeError(ErrorKind::Config, QStringLiteral("track '%1' is neither 'stable' nor 'canary'").arg(name));
}

QString KqlName::quoted(const QString &text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'\\': out += QStringLiteral("\\\\"); break;
        case u'"': out += QStringLiteral("\\\""); break;
        case u'\n': out += QStringLiteral("\\n"); break;
        case u'\r': out += QStringLiteral("\\r"); break;
        case u'\t': out += QStringLiteral("\\t"); break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    out += u'"';
    return out;
}

} // namespace Opsdeck::AppInsights
