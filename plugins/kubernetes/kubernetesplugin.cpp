#include "kubernetesplugin.h"

#include "kubernetessource.h"

std::unique_ptr<Opsdeck::DataSource> KubernetesPlugin::createSource() const
{
    return std::make_unique<KubernetesSource>();
}
