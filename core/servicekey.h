#pragma once

// A service is (context, namespace, name) — DESIGN §3. All sources agree on this key.

#include <QHashFunctions>
#include <QMetaType>
#include <QString>

namespace Opsdeck {

struct ServiceKey
{
    QString context;
    QString ns;
    QString name;

    friend bool operator==(const ServiceKey &, const ServiceKey &) = default;
    friend size_t qHash(const ServiceKey &key, size_t seed = 0) noexcept
    {
        return qHashMulti(seed, key.context, key.ns, key.name);
    }
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::ServiceKey)
