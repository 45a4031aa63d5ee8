import { ElNotification } from 'element-plus';

/** A short notice in the bottom corner, out of the way of the header and the tabs (phones included). */
export function notify(title: string, message = '', type: 'info' | 'warning' = 'info'): void {
  ElNotification({ title, message, type, position: 'bottom-right', duration: 3000 });
}
