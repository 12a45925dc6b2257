package org.jmaster.api.jmx;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import javax.management.DescriptorKey;

/**
 * What JConsole shows an operator for an MBean, an attribute (on its getter), an operation or a
 * parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.PARAMETER})
public @interface Description {
    /** One or two sentences for an operator. */
    @DescriptorKey("description")
    String value();
}
