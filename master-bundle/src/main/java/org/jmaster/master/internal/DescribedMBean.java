package org.jmaster.master.internal;

import java.lang.reflect.Method;
import java.util.Arrays;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;
import org.jmaster.api.jmx.Description;

/**
 * NAME
 *     DescribedMBean - an MXBean whose MBeanInfo says what JConsole should say
 * DESCRIPTION
 *     A StandardEmitterMBean with MXBean mapping (open types only: JConsole and jmxterm need none of
 *     jmaster's classes) that takes descriptions from the interface's @Description annotations,
 *     parameter names from the interface's compiled parameter names (not p0, p1), and gives every
 *     operation the impact ACTION: each one changes what the service does.
 */
final class DescribedMBean extends StandardEmitterMBean {
    private final Class<?> type;

    <T> DescribedMBean(T implementation, Class<T> type, NotificationEmitter emitter) {
        super(implementation, type, true, emitter);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Description d = type.getAnnotation(Description.class);
        return d == null ? super.getDescription(info) : d.value();
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        for (String prefix : new String[] {"get", "is"}) {
            Description d = annotation(prefix + info.getName());
            if (d != null) {
                return d.value();
            }
        }
        return super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        Method method = method(info);
        Description d = method == null ? null : method.getAnnotation(Description.class);
        return d == null ? super.getDescription(info) : d.value();
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Method method = method(op);
        return method == null ? super.getParameterName(op, param, sequence) : method.getParameters()[sequence].getName();
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Method method = method(op);
        Description d = method == null ? null : method.getParameters()[sequence].getAnnotation(Description.class);
        return d == null ? super.getDescription(op, param, sequence) : d.value();
    }

    @Override
    protected int getImpact(MBeanOperationInfo info) {
        return MBeanOperationInfo.ACTION;
    }

    private Description annotation(String methodName) {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(methodName) && method.getParameterCount() == 0) {
                return method.getAnnotation(Description.class);
            }
        }
        return null;
    }

    private Method method(MBeanOperationInfo info) {
        MBeanParameterInfo[] signature = info.getSignature();
        for (Method method : type.getMethods()) {
            if (method.getName().equals(info.getName()) && method.getParameterCount() == signature.length
                    && Arrays.equals(Arrays.stream(method.getParameterTypes()).map(Class::getName).toArray(),
                            Arrays.stream(signature).map(MBeanParameterInfo::getType).toArray())) {
                return method;
            }
        }
        return null;
    }

}
