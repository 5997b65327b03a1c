#pragma once

// Root object of the Kubernetes plugin: makes one KubernetesSource per configured context, and one
// KubernetesActionProvider per context from the same settings.

#include "actionproviderfactory.h"
#include "datasourcefactory.h"

#include <QObject>

class KubernetesPlugin final : public QObject, public Opsdeck::DataSourceFactory, public Opsdeck::ActionProviderFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_SOURCE_IID FILE "kubernetes.json")
    Q_INTERFACES(Opsdeck::DataSourceFactory Opsdeck::ActionProviderFactory)

public:
    std::unique_ptr<Opsdeck::DataSource> createSource() const override;
    // Never null: with bad settings the provider offers its actions disabled, saying why.
    std::unique_ptr<Opsdeck::ActionProvider> createActionProvider(const Opsdeck::SourceConfig &config) const override;
};
