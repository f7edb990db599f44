package dev.herald.it;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.context.annotation.DeploymentScoped;
import org.jboss.arquillian.container.spi.event.container.AfterDeploy;
import org.jboss.arquillian.core.api.InstanceProducer;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.shrinkwrap.api.Archive;

/**
 * Arquillian extension (registered in META-INF/services): after each deployment to Payara Micro, checks that
 * Herald is really deployed, and deploys once more if not, logged and counted ({@link DeployRetries}).
 *
 * <p>Why: Payara Micro 6.2025.6 and later keep the WAR's temporary deployment class loader only through a
 * WeakReference (DeploymentContextImpl.sharableTemp); a GC between its creation and
 * ApplicationLifecycle.prepare setting it as the thread's context class loader leaves that null, and the
 * deployment fails with NCLS-SECURITY-01144 (NPE in PolicyLoader.loadClass) while the server still reports
 * itself started. Reproduced by forcing a GC at that point (README, "Operating notes").
 */
public final class DeployCheckExtension implements LoadableExtension {
    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(Check.class);
    }

    public static final class Check {
        @Inject
        @DeploymentScoped
        private InstanceProducer<ProtocolMetaData> protocolMetaData;

        public void afterDeploy(@Observes AfterDeploy event) throws Exception {
            if (HeraldServer.onWildFly()) {
                return;
            }
            DeployableContainer<?> container = event.getDeployableContainer();
            Archive<?> archive = event.getDeployment().getArchive();
            for (int attempt = 1; !deployed(protocolMetaData.get()); attempt++) {
                if (attempt > DeployRetries.MAX) {
                    throw new IllegalStateException("Herald did not deploy on Payara Micro in " + attempt + " attempts");
                }
                DeployRetries.record("Arquillian deployment of " + archive.getName());
                container.undeploy(archive);
                protocolMetaData.set(container.deploy(archive));
            }
        }

        private static boolean deployed(ProtocolMetaData metaData) {
            HTTPContext http = metaData == null ? null : metaData.getContexts(HTTPContext.class).stream().findFirst()
                    .orElse(null);
            if (http == null) {
                return true;
            }
            return DeployRetries.heraldReady(http.getPort());
        }
    }
}
