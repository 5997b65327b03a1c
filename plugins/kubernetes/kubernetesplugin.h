#pragma once

// Root object of the Kubernetes plugin: makes one KubernetesSource per configured context.

#include "datasourcefactory.h"

#include <QObject>

class KubernetesPlugin final : public QObject, public Opsdeck::DataSourceFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_SOURCE_IID FILE "kubernetes.json")
    Q_INTERFACES(Opsdeck::DataSourceFactory)

public:
    std::unique_ptr<Opsdeck::DataSource> createSource() const override;
};
