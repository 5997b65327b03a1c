#include "kubernetesplugin.h"

#include "kubernetesactionprovider.h"
#include "kuberneteslogging.h"
#include "kubernetessource.h"

std::unique_ptr<Opsdeck::DataSource> KubernetesPlugin::createSource() const
{
    return std::make_unique<KubernetesSource>();
}

std::unique_ptr<Opsdeck::ActionProvider> KubernetesPlugin::createActionProvider(const Opsdeck::SourceConfig &config) const
{
    auto provider = std::make_unique<KubernetesActionProvider>();
    if (const auto configured = provider->configure(config); !configured)
        qCWarning(lcKubernetes).noquote() << "actions of" << config.id << "disabled:" << Opsdeck::toString(configured.error());
    return provider;
}
