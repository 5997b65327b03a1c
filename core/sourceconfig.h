#pragma once

// What a data source instance is told before it starts: its id (unique per app run) and plugin-specific
// settings (kubeconfig path, context, endpoints, …) as plain values.

#include <QMetaType>
#include <QString>
#include <QVariantMap>

namespace Opsdeck {

struct SourceConfig
{
    QString id;
    QVariantMap settings;

    friend bool operator==(const SourceConfig &, const SourceConfig &) = default;
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::SourceConfig)
